namespace Checkpoint.Examples.AzureFunctions;

/// <summary>The example graph's state: a draft, the reviewer's verdict, and what happened.</summary>
public sealed class ReviewState
{
    public string Topic { get; set; } = "";

    public string? Draft { get; set; }

    public string? Verdict { get; set; }

    public bool Published { get; set; }

    [Append]
    public List<string> Log { get; set; } = [];
}
