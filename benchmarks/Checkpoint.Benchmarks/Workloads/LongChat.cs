using Checkpoint.Compaction;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// W2 "long chat": W1's graph and message text with a summarizing compactor on Messages, triggered at
/// <see cref="Trigger"/> messages, keeping the last <see cref="KeepLast"/> verbatim. The summarizer is
/// deterministic and needs no model: W1's text has no sentences (no periods), so it takes the first
/// <see cref="WordsPerMessage"/> words of each summarized message (an earlier summary included), joins
/// them with spaces and caps the summary at <see cref="SummaryCap"/> characters.
/// </summary>
public static class LongChat
{
    public const int Trigger = 100;
    public const int KeepLast = 40;
    public const int WordsPerMessage = 8;
    public const int SummaryCap = 400;

    /// <summary>The W1 graph, with the W2 compactor when <paramref name="compact"/>.</summary>
    public static StateGraph<ChatState> Build(int steps, bool compact)
    {
        var graph = ChatLoop.Build(steps);
        return compact ? graph.WithCompactor(s => s.Messages, Compactor, CompactionTrigger.Items(Trigger)) : graph;
    }

    /// <summary>The summarizing compactor (keep the last 40, summarize the rest).</summary>
    public static IListCompactor<Message> Compactor { get; } = ListCompactors.Summarize<Message>(KeepLast, (span, _) => ValueTask.FromResult(Summarize(span)));

    /// <summary>The deterministic summary of <paramref name="span"/>.</summary>
    public static Message Summarize(IReadOnlyList<Message> span)
    {
        var text = string.Join(' ', span.Select(m => string.Join(' ', m.Content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(WordsPerMessage))));
        return new Message("summary", text.Length <= SummaryCap ? text : text[..SummaryCap]);
    }

    /// <summary>The message count after <paramref name="steps"/> steps, and the compactions so far (the engine's rule, computed directly).</summary>
    public static (int Messages, int Compactions) Expected(int steps, bool compact)
    {
        var count = 0;
        var compactions = 0;
        for (var step = 1; step <= steps; step++)
        {
            count++;
            if (compact && count >= Trigger)
            {
                count = 1 + KeepLast;
                compactions++;
            }
        }

        return (count, compactions);
    }
}
