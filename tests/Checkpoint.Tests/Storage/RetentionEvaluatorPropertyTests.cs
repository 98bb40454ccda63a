using Checkpoint.Storage;
using FsCheck.Xunit;
using static Checkpoint.Tests.Storage.RetentionTrees;

namespace Checkpoint.Tests.Storage;

/// <summary>Properties of the kept set over random trees and random policies.</summary>
public sealed class RetentionEvaluatorPropertyTests
{
    [Property(MaxTest = 300)]
    public void The_latest_checkpoint_of_every_namespace_is_kept(int treeSeed, int policySeed)
    {
        var thread = Thread(treeSeed);
        var doomed = Evaluate(thread, Policy(policySeed)).Doomed(thread);

        foreach (var space in thread.GroupBy(s => s.Namespace))
        {
            Assert.DoesNotContain(space.Select(s => s.Id).Max(CheckpointIdComparer.Instance), doomed);
        }
    }

    [Property(MaxTest = 300)]
    public void Pruning_the_kept_set_again_deletes_nothing(int treeSeed, int policySeed)
    {
        var thread = Thread(treeSeed);
        var evaluator = Evaluate(thread, Policy(policySeed));
        var doomed = evaluator.Doomed(thread).ToHashSet();

        var kept = thread.Where(s => !doomed.Contains(s.Id)).ToList();

        Assert.Empty(evaluator.Doomed(kept));
    }

    [Property(MaxTest = 300)]
    public void With_ancestors_kept_every_kept_checkpoints_history_is_kept(int treeSeed, int policySeed)
    {
        var thread = Thread(treeSeed);
        var policy = Policy(policySeed) with { KeepAncestors = true, DropBeforeCompaction = false };
        var doomed = Evaluate(thread, policy).Doomed(thread).ToHashSet();

        foreach (var kept in thread.Where(s => !doomed.Contains(s.Id)))
        {
            Assert.All(Ancestors(thread, kept.Id), ancestor => Assert.DoesNotContain(ancestor, doomed));
        }
    }

    [Property(MaxTest = 300)]
    public void Pinned_checkpoints_are_kept_with_their_whole_history(int treeSeed, int policySeed)
    {
        var thread = Thread(treeSeed);
        var policy = Policy(policySeed) with { KeepInterrupts = true, KeepTags = ["keep"], KeepForkPoints = true };
        var doomed = Evaluate(thread, policy).Doomed(thread).ToHashSet();
        var childCounts = thread.Where(s => s.ParentId is not null).GroupBy(s => s.ParentId!.Value).ToDictionary(g => g.Key, g => g.Count());

        foreach (var pinned in thread.Where(s =>
            s.HasInterrupts || s.Metadata.ContainsKey("keep") || childCounts.GetValueOrDefault(s.Id) >= 2
            || (s.ParentId is { } parent && childCounts.GetValueOrDefault(parent) >= 2)))
        {
            Assert.DoesNotContain(pinned.Id, doomed);
            Assert.All(Ancestors(thread, pinned.Id), ancestor => Assert.DoesNotContain(ancestor, doomed));
        }
    }

    [Property(MaxTest = 300)]
    public void Nothing_a_rule_keeps_is_deleted(int treeSeed, int policySeed)
    {
        var thread = Thread(treeSeed);
        var policy = Policy(policySeed) with { DropBeforeCompaction = false };
        var now = Now(thread);
        var doomed = Evaluate(thread, policy).Doomed(thread).ToHashSet();

        foreach (var space in thread.GroupBy(s => s.Namespace))
        {
            var newest = space.OrderByDescending(s => s.Id, CheckpointIdComparer.Instance).Take(policy.KeepLatest);
            Assert.All(newest, s => Assert.DoesNotContain(s.Id, doomed));
        }

        Assert.All(
            thread.Where(s => (policy.KeepYoungerThan is { } age && now - s.CreatedAt < age)
                || (policy.KeepEveryKthStep is { } k && Math.Max(s.Step, 0) % k == 0)
                || (policy.KeepInterrupts && s.HasInterrupts)
                || (policy.KeepTags.Count > 0 && s.Metadata.ContainsKey("keep"))),
            s => Assert.DoesNotContain(s.Id, doomed));
    }

    [Property(MaxTest = 300)]
    public void Dropping_before_a_compaction_keeps_only_pins_and_their_history_before_it(int treeSeed, int policySeed)
    {
        var thread = Thread(treeSeed);
        var policy = Policy(policySeed) with { DropBeforeCompaction = true };
        var doomed = Evaluate(thread, policy).Doomed(thread).ToHashSet();

        foreach (var space in thread.GroupBy(s => s.Namespace))
        {
            if (space.Where(s => s.Source == CheckpointSource.Compact).OrderByDescending(s => s.Id, CheckpointIdComparer.Instance).FirstOrDefault() is not { } compaction)
            {
                continue;
            }

            Assert.DoesNotContain(compaction.Id, doomed);
            var members = space.ToList();
            var childCounts = members.Where(s => s.ParentId is not null).GroupBy(s => s.ParentId!.Value).ToDictionary(g => g.Key, g => g.Count());
            var pinnedHistory = members
                .Where(s => (policy.KeepInterrupts && s.HasInterrupts) || (policy.KeepTags.Count > 0 && s.Metadata.ContainsKey("keep"))
                    || (policy.KeepForkPoints && (childCounts.GetValueOrDefault(s.Id) >= 2 || (s.ParentId is { } p && childCounts.GetValueOrDefault(p) >= 2))))
                .SelectMany(s => Ancestors(members, s.Id).Append(s.Id))
                .ToHashSet();
            var latest = members.Select(s => s.Id).Max(CheckpointIdComparer.Instance);
            foreach (var before in Ancestors(members, compaction.Id).Where(id => id != latest && !pinnedHistory.Contains(id)))
            {
                Assert.Contains(before, doomed);
            }
        }
    }

    private static RetentionEvaluator Evaluate(List<CheckpointSummary> thread, RetentionPolicy policy) => new(policy, Now(thread));
}
