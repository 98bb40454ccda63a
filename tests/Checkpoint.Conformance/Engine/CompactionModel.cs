namespace Checkpoint.Conformance.Engine;

/// <summary>
/// What a run of <see cref="CompactionTests"/>' graph must end with, computed without the engine: one
/// message per step; when the list reaches <c>trigger</c> items, the items before the last
/// <c>keepLast</c> become one summary "S[a+b+...]" (or are dropped).
/// </summary>
public static class CompactionModel
{
    /// <summary>The summary item of a span (nested when the span starts with an earlier summary).</summary>
    public static string Summary(IReadOnlyList<string> span) => "S[" + string.Join("+", span) + "]";

    /// <summary>The final list and the number of compactions after <paramref name="steps"/> steps.</summary>
    public static (List<string> Messages, int Compactions) Run(int steps, int trigger, int keepLast, bool summarize)
    {
        var messages = new List<string>();
        var compactions = 0;
        for (var step = 1; step <= steps; step++)
        {
            messages.Add($"m{step}");
            if (messages.Count >= trigger && messages.Count > keepLast)
            {
                var cut = messages.Count - keepLast;
                var head = summarize ? [Summary(messages.Take(cut).ToList())] : new List<string>();
                messages = [.. head, .. messages.Skip(cut)];
                compactions++;
            }
        }

        return (messages, compactions);
    }
}
