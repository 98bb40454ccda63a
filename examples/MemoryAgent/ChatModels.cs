using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;

namespace MemoryAgent;

/// <summary>Which chat model turns a session's episodes into facts: a real one when configured, else an offline stand-in.</summary>
public static class ChatModels
{
    /// <summary>
    /// An OpenAI-compatible model when <c>OPENAI_API_KEY</c> is set (<c>OPENAI_MODEL</c>, default gpt-4o-mini;
    /// <c>OPENAI_BASE_URL</c> for another compatible server, such as a local Ollama at http://localhost:11434/v1);
    /// otherwise <see cref="OfflineFactModel"/>, so the example runs without a network.
    /// </summary>
    public static IChatClient FromEnvironment()
    {
        var key = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            return new OfflineFactModel();
        }

        var options = new OpenAIClientOptions();
        if (Environment.GetEnvironmentVariable("OPENAI_BASE_URL") is { Length: > 0 } baseUrl)
        {
            options.Endpoint = new Uri(baseUrl);
        }

        var model = Environment.GetEnvironmentVariable("OPENAI_MODEL") is { Length: > 0 } name ? name : "gpt-4o-mini";
        return new OpenAIClient(new ApiKeyCredential(key), options).GetChatClient(model).AsIChatClient();
    }
}
