using Checkpoint.Compaction;
using Microsoft.Extensions.AI;

namespace Checkpoint.Tests.Compaction;

public sealed class CompactionTriggerTests
{
    [Fact]
    public void An_items_trigger_fires_at_its_limit_and_not_before()
    {
        var trigger = CompactionTrigger.Items(3);
        Assert.False(trigger.Fires(new[] { 1, 2 }));
        Assert.True(trigger.Fires(new[] { 1, 2, 3 }));
        Assert.True(trigger.Fires(new[] { 1, 2, 3, 4 }));
    }

    [Fact]
    public void A_characters_trigger_adds_up_the_text_it_was_given()
    {
        var trigger = CompactionTrigger.Characters<Note>(10, n => n.Body);
        Assert.False(trigger.Fires(new[] { new Note("12345"), new Note("1234") }));
        Assert.True(trigger.Fires(new[] { new Note("12345"), new Note("12345") }));
    }

    [Fact]
    public void A_tokens_trigger_estimates_characters_divided_by_four_rounded_up()
    {
        var trigger = CompactionTrigger.Tokens(3);
        Assert.False(trigger.Fires(new[] { "12345678" }));   // 2 tokens
        Assert.True(trigger.Fires(new[] { "123456789" }));   // 9 / 4 rounded up = 3
        Assert.Equal(4, CompactionTrigger.CharactersPerToken);
    }

    [Fact]
    public void Chat_messages_and_strings_are_measured_by_their_text_by_default()
    {
        var trigger = CompactionTrigger.Characters(6);
        Assert.False(trigger.Fires(new[] { new ChatMessage(ChatRole.User, "abc"), new ChatMessage(ChatRole.Assistant, "de") }));
        Assert.True(trigger.Fires(new[] { new ChatMessage(ChatRole.User, "abc"), new ChatMessage(ChatRole.Assistant, "def") }));
        Assert.True(trigger.Fires(new[] { "abc", "def" }));
    }

    [Fact]
    public void A_text_trigger_without_text_for_other_items_says_how_to_give_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CompactionTrigger.Tokens(5).Fires(new[] { new Note("x") }));
        Assert.Contains("CompactionTrigger.Tokens<Note>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_limit_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactionTrigger.Items(0));

    public sealed record Note(string Body);
}
