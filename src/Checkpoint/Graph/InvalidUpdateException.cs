namespace Checkpoint;

/// <summary>A node wrote a channel in a way its reducer cannot take (unknown channel, wrong type, two last-value writers).</summary>
public sealed class InvalidUpdateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidUpdateException(string message) : base(message)
    {
    }
}
