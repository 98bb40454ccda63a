using Checkpoint.Storage;
using static Checkpoint.Tests.Storage.RetentionTrees;

namespace Checkpoint.Tests.Storage;

public sealed class RetentionPolicyTests
{
    [Fact]
    public void Invalid_rules_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPolicy.Latest(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetentionPolicy { KeepLatest = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPolicy.YoungerThan(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPolicy.EveryKthStep(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPolicy.Latest(1).KeepingYoungerThan(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentNullException>(() => RetentionPolicy.Latest(1).KeepingTagged(null!));
        Assert.Throws<ArgumentNullException>(() => new RetentionPolicy { KeepTags = [null!] });
    }

    [Fact]
    public void Rules_compose_into_a_new_policy_and_leave_the_original_alone()
    {
        var latest = RetentionPolicy.Latest(3);

        var composed = latest.KeepingYoungerThan(TimeSpan.FromDays(7)).KeepingEveryKthStep(10).KeepingForkPoints()
            .KeepingInterrupts().KeepingTagged("release").KeepingTagged("release").KeepingAncestors().DroppingBeforeCompaction()
            .KeepingLatest(2);

        Assert.Equal(new RetentionPolicy { KeepLatest = 3 }, latest);
        Assert.Equal(
            new RetentionPolicy
            {
                KeepLatest = 3, KeepYoungerThan = TimeSpan.FromDays(7), KeepEveryKthStep = 10, KeepForkPoints = true,
                KeepInterrupts = true, KeepTags = ["release"], KeepAncestors = true, DropBeforeCompaction = true,
            },
            composed);
        Assert.NotEqual(composed, composed with { KeepTags = ["other"] });
    }

    [Fact]
    public void Latest_n_keeps_the_newest_n_of_a_chain_and_truncates_its_history()
    {
        var chain = Chain(6);

        var doomed = new RetentionEvaluator(RetentionPolicy.Latest(2), Start).Doomed(chain);

        Assert.Equal(chain.Take(4).Select(s => s.Id), doomed);
    }

    [Fact]
    public void The_age_rule_keeps_the_checkpoints_younger_than_the_age_at_the_given_time()
    {
        var chain = Chain(10); // one a minute from Start

        var doomed = new RetentionEvaluator(RetentionPolicy.YoungerThan(TimeSpan.FromMinutes(3)), Start.AddMinutes(10)).Doomed(chain);

        Assert.Equal(chain.Take(8).Select(s => s.Id), doomed); // minutes 8 and 9 are younger than 3 minutes
    }

    [Fact]
    public void Thinning_keeps_every_kth_step_and_the_latest()
    {
        var chain = Chain(10); // steps -1 .. 8

        var doomed = new RetentionEvaluator(RetentionPolicy.EveryKthStep(4), Start).Doomed(chain).ToHashSet();

        Assert.Equal([-1, 0, 4, 8], chain.Where(s => !doomed.Contains(s.Id)).Select(s => s.Step));
    }

    [Fact]
    public void A_fork_point_is_kept_with_its_history_and_the_first_checkpoint_of_each_branch()
    {
        var chain = Chain(5);
        var branch = chain[2] with { Id = Id(100), ParentId = chain[2].Id, Step = chain[2].Step + 1 };
        var branchNext = branch with { Id = Id(101), ParentId = branch.Id, Step = branch.Step + 1 };
        var thread = chain.Append(branch).Append(branchNext).ToList();

        var doomed = new RetentionEvaluator(RetentionPolicy.Latest(1).KeepingForkPoints(), Start).Doomed(thread);

        Assert.Equal([chain[4].Id], doomed);
    }

    [Fact]
    public void Interrupt_and_tagged_checkpoints_are_kept_with_their_history()
    {
        var chain = Chain(8);
        chain[3] = chain[3] with { HasInterrupts = true };
        chain[5] = chain[5] with { Metadata = new Dictionary<string, string> { ["release"] = "1.0" } };

        var interrupts = new RetentionEvaluator(RetentionPolicy.Latest(1).KeepingInterrupts(), Start).Doomed(chain);
        var tagged = new RetentionEvaluator(RetentionPolicy.Latest(1).KeepingTagged("release"), Start).Doomed(chain);

        Assert.Equal(chain.Skip(4).Take(3).Select(s => s.Id), interrupts);
        Assert.Equal([chain[6].Id], tagged);
    }

    [Fact]
    public void Keeping_ancestors_keeps_the_main_line_and_drops_abandoned_branches()
    {
        var chain = Chain(5);
        var abandoned = chain[1] with { Id = Id(15), ParentId = chain[1].Id, Step = chain[1].Step + 1 };
        var thread = chain.Append(abandoned).OrderBy(s => s.Id, CheckpointIdComparer.Instance).ToList();

        var doomed = new RetentionEvaluator(new RetentionPolicy().KeepingAncestors(), Start).Doomed(thread);

        Assert.Equal([abandoned.Id], doomed);
    }

    [Fact]
    public void A_compacted_thread_drops_its_history_before_the_latest_compaction_unless_pinned()
    {
        var chain = Chain(10);
        chain[6] = chain[6] with { Source = CheckpointSource.Compact };
        chain[2] = chain[2] with { HasInterrupts = true };
        var policy = RetentionPolicy.YoungerThan(TimeSpan.FromDays(1)).KeepingAncestors().KeepingInterrupts();

        var without = new RetentionEvaluator(policy, Start).Doomed(chain);
        var with = new RetentionEvaluator(policy.DroppingBeforeCompaction(), Start).Doomed(chain);

        Assert.Empty(without);
        Assert.Equal(new[] { 3, 4, 5 }.Select(i => chain[i].Id), with);
    }

    [Fact]
    public void Namespaces_are_evaluated_apart()
    {
        var root = Chain(4);
        var sub = Chain(3, first: 1000, ns: "sub");

        var doomed = new RetentionEvaluator(RetentionPolicy.Latest(1), Start).Doomed([.. root, .. sub]);

        Assert.Equal(root.Take(3).Concat(sub.Take(2)).Select(s => s.Id), doomed);
    }

    /// <summary>A chain of checkpoints with ids first, first + 10, ... (room for branches between them), one a minute.</summary>
    private static List<CheckpointSummary> Chain(int count, int first = 0, string ns = "")
    {
        var chain = new List<CheckpointSummary>();
        for (var i = 0; i < count; i++)
        {
            chain.Add(new CheckpointSummary(
                Id(first + (i * 10)), ns, i == 0 ? null : chain[i - 1].Id, i - 1, CheckpointSource.Loop, Start.AddMinutes(i), false,
                new Dictionary<string, string>()));
        }

        return chain;
    }
}
