namespace Checkpoint.Storage;

/// <summary>What a saver did with one stored blob asked to be re-encrypted (see <see cref="CheckpointSaver.ReencryptThreadAsync"/>).</summary>
public enum BlobReencryption
{
    /// <summary>It was rewritten under the current encryption key.</summary>
    Rewritten,

    /// <summary>It was already under the current key: left as it is.</summary>
    AlreadyCurrent,

    /// <summary>It was gone or no longer held the bytes read (a concurrent prune, delete or write): left as it is.</summary>
    Changed,
}
