namespace Checkpoint.Storage;

/// <summary>
/// Which checkpoints of a thread <see cref="CheckpointSaver.PruneAsync(string, RetentionPolicy, CancellationToken)"/>
/// keeps, per namespace. A checkpoint is kept when any rule keeps it (the rules compose as a union);
/// the latest checkpoint of every namespace is always kept. Immutable: the <c>Keeping…</c> methods
/// return a copy with one more rule. <see cref="RetentionEvaluator"/> computes the kept set for every saver.
/// </summary>
/// <remarks>
/// Rules: the newest <see cref="KeepLatest"/>; those younger than <see cref="KeepYoungerThan"/>; every
/// k-th step (<see cref="KeepEveryKthStep"/>); and the pins: fork points (<see cref="KeepForkPoints"/>),
/// checkpoints with interrupts (<see cref="KeepInterrupts"/>) and checkpoints with a metadata tag
/// (<see cref="KeepTags"/>). A pinned checkpoint is always kept with its ancestors, so its history stays
/// walkable; <see cref="KeepAncestors"/> extends that to every kept checkpoint (off by default, since the
/// ancestors of the latest checkpoint are usually the whole thread). <see cref="DropBeforeCompaction"/>
/// lets a compacted thread drop its pre-compaction history: the ancestors of the latest
/// <see cref="CheckpointSource.Compact"/> checkpoint are then kept only by the pins.
/// </remarks>
public sealed record RetentionPolicy
{
    private readonly int _keepLatest;
    private readonly TimeSpan? _keepYoungerThan;
    private readonly int? _keepEveryKthStep;
    private readonly IReadOnlyList<string> _keepTags = [];

    /// <summary>Keep this many newest checkpoints per namespace (0: no such rule; the latest is kept anyway).</summary>
    public int KeepLatest
    {
        get => _keepLatest;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _keepLatest = value;
        }
    }

    /// <summary>Keep the checkpoints created less than this long ago (checkpoint <see cref="CheckpointRecord.CreatedAt"/>
    /// against the prune's clock); null: no such rule.</summary>
    public TimeSpan? KeepYoungerThan
    {
        get => _keepYoungerThan;
        init
        {
            if (value is { } age)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero, nameof(KeepYoungerThan));
            }

            _keepYoungerThan = value;
        }
    }

    /// <summary>Thinning: keep the checkpoints whose step is a multiple of k (steps -1 and 0 count as 0); null: no such rule.</summary>
    public int? KeepEveryKthStep
    {
        get => _keepEveryKthStep;
        init
        {
            if (value is { } k)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k, nameof(KeepEveryKthStep));
            }

            _keepEveryKthStep = value;
        }
    }

    /// <summary>Pin fork points: checkpoints with two or more children (with their ancestors).</summary>
    public bool KeepForkPoints { get; init; }

    /// <summary>Pin the checkpoints that have interrupts (with their ancestors), so a paused run can still resume.</summary>
    public bool KeepInterrupts { get; init; }

    /// <summary>Pin the checkpoints whose metadata has any of these keys, whatever the value (with their ancestors).</summary>
    public IReadOnlyList<string> KeepTags
    {
        get => _keepTags;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var tag in value)
            {
                ArgumentNullException.ThrowIfNull(tag, nameof(KeepTags));
            }

            _keepTags = [.. value];
        }
    }

    /// <summary>Keep the ancestors of every kept checkpoint, not only of the pinned ones.</summary>
    public bool KeepAncestors { get; init; }

    /// <summary>
    /// Drop the history of the latest compaction: the ancestors of a namespace's latest
    /// <see cref="CheckpointSource.Compact"/> checkpoint are kept only when pinned (or an ancestor of a pinned
    /// one); the count, age and step rules and <see cref="KeepAncestors"/> stop at the compaction checkpoint.
    /// </summary>
    public bool DropBeforeCompaction { get; init; }

    /// <summary>Keep the latest <paramref name="count"/> checkpoints of each namespace.</summary>
    public static RetentionPolicy Latest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new RetentionPolicy { KeepLatest = count };
    }

    /// <summary>Keep the checkpoints younger than <paramref name="age"/> (and the latest of each namespace).</summary>
    public static RetentionPolicy YoungerThan(TimeSpan age) => new() { KeepYoungerThan = age };

    /// <summary>Keep the checkpoints whose step is a multiple of <paramref name="k"/> (and the latest of each namespace).</summary>
    public static RetentionPolicy EveryKthStep(int k) => new() { KeepEveryKthStep = k };

    /// <summary>This policy, also keeping the latest <paramref name="count"/> (the larger count wins).</summary>
    public RetentionPolicy KeepingLatest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return this with { KeepLatest = Math.Max(KeepLatest, count) };
    }

    /// <summary>This policy, also keeping the checkpoints younger than <paramref name="age"/> (the longer age wins).</summary>
    public RetentionPolicy KeepingYoungerThan(TimeSpan age)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(age, TimeSpan.Zero);
        return this with { KeepYoungerThan = KeepYoungerThan is { } current && current > age ? current : age };
    }

    /// <summary>This policy, also keeping every <paramref name="k"/>-th step (replaces an earlier thinning rule).</summary>
    public RetentionPolicy KeepingEveryKthStep(int k) => this with { KeepEveryKthStep = k };

    /// <summary>This policy, also pinning fork points.</summary>
    public RetentionPolicy KeepingForkPoints() => this with { KeepForkPoints = true };

    /// <summary>This policy, also pinning checkpoints with interrupts.</summary>
    public RetentionPolicy KeepingInterrupts() => this with { KeepInterrupts = true };

    /// <summary>This policy, also pinning checkpoints whose metadata has the key <paramref name="tag"/>.</summary>
    public RetentionPolicy KeepingTagged(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return KeepTags.Contains(tag, StringComparer.Ordinal) ? this : this with { KeepTags = [.. KeepTags, tag] };
    }

    /// <summary>This policy, also keeping the ancestors of every kept checkpoint.</summary>
    public RetentionPolicy KeepingAncestors() => this with { KeepAncestors = true };

    /// <summary>This policy, dropping the pre-compaction history except what the pins keep.</summary>
    public RetentionPolicy DroppingBeforeCompaction() => this with { DropBeforeCompaction = true };

    /// <summary>True when the two policies keep the same checkpoints (tags compared as sets).</summary>
    public bool Equals(RetentionPolicy? other) =>
        other is not null
        && KeepLatest == other.KeepLatest
        && KeepYoungerThan == other.KeepYoungerThan
        && KeepEveryKthStep == other.KeepEveryKthStep
        && KeepForkPoints == other.KeepForkPoints
        && KeepInterrupts == other.KeepInterrupts
        && KeepAncestors == other.KeepAncestors
        && DropBeforeCompaction == other.DropBeforeCompaction
        && KeepTags.ToHashSet(StringComparer.Ordinal).SetEquals(other.KeepTags);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(KeepLatest, KeepYoungerThan, KeepEveryKthStep, KeepForkPoints, KeepInterrupts, KeepAncestors, DropBeforeCompaction, KeepTags.Count);
}
