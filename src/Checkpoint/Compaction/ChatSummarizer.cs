using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Checkpoint.Compaction;

/// <summary>Summarizes a span of chat messages through an <see cref="IChatClient"/>.</summary>
internal sealed class ChatSummarizer(IChatClient client, string prompt, ChatOptions? options)
{
    /// <summary>The text the summary message starts with, so the model reading it later knows what it is.</summary>
    public const string SummaryHeading = "Summary of the earlier conversation:";

    /// <summary>One call: the prompt as the system message, the span as a transcript in one user message.</summary>
    public async ValueTask<ChatMessage> SummarizeAsync(IReadOnlyList<ChatMessage> span, CancellationToken cancellationToken)
    {
        ChatMessage[] request = [new(ChatRole.System, prompt), new(ChatRole.User, Transcript(span))];
        var response = await client.GetResponseAsync(request, options, cancellationToken).ConfigureAwait(false);
        var summary = new ChatMessage(ChatRole.User, SummaryHeading + "\n" + response.Text.Trim())
        {
            AdditionalProperties = new AdditionalPropertiesDictionary { [ChatMessageRules.SummaryProperty] = true },
        };
        return summary;
    }

    /// <summary>The span as text: one block per message, its role then its text, calls and results.</summary>
    internal static string Transcript(IReadOnlyList<ChatMessage> span)
    {
        var text = new StringBuilder();
        foreach (var message in span)
        {
            text.Append('[').Append(message.Role.Value).Append("] ");
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        var arguments = call.Arguments is null ? "" : string.Join(", ", call.Arguments.Select(a => $"{a.Key}={Convert.ToString(a.Value, CultureInfo.InvariantCulture)}"));
                        text.Append(CultureInfo.InvariantCulture, $"(call {call.CallId}: {call.Name}({arguments}))");
                        break;
                    case FunctionResultContent result:
                        text.Append(CultureInfo.InvariantCulture, $"(result of {result.CallId}: {Convert.ToString(result.Result, CultureInfo.InvariantCulture)})");
                        break;
                    default:
                        text.Append(CultureInfo.InvariantCulture, $"({content.GetType().Name})");
                        break;
                }

                text.Append(' ');
            }

            text.Length--; // the last separator
            text.Append('\n');
        }

        return text.ToString();
    }
}
