using System.Collections.Concurrent;
using System.Text;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Tests.Engine;

/// <summary>Cached pure nodes: one run per input state, expiry, goto kept, keys and entries that leak nothing.</summary>
public sealed class NodeCacheTests
{
    private int _runs;

    private CompiledGraph<ChatState> Graph(INodeCache? cache, CheckpointSerializer? serializer = null, TimeSpan? ttl = null) => new StateGraph<ChatState>()
        .AddNode("summarize", s =>
        {
            Interlocked.Increment(ref _runs);
            return new Update<ChatState>().Set(x => x.Note, $"summary of {s.Messages.Count} messages: secret-{s.Messages[0].Content}").Goto("publish");
        }, new NodeOptions { Cache = new CachePolicy { TimeToLive = ttl }, Destinations = ["publish"] })
        .AddNode("publish", s => new Update<ChatState>().Append(x => x.Messages, new Message("published", s.Note!)))
        .AddEdge(Checkpoint.Graph.Start, "summarize").AddEdge("publish", Checkpoint.Graph.End)
        .Compile(new InMemoryCheckpointSaver(serializer ?? CheckpointSerializer.Default), new CompileOptions { NodeCache = cache });

    [Fact]
    public async Task The_same_input_state_takes_the_cached_update_and_its_goto_without_running_the_node()
    {
        var graph = Graph(new InMemoryNodeCache());

        var first = await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("a"));
        var second = await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("b"));
        var other = await graph.InvokeAsync(TestGraphs.Question("beta"), RunConfig.ForThread("c"));

        Assert.Equal(2, _runs);
        Assert.Equal(first.Messages.Select(m => m.Content), second.Messages.Select(m => m.Content));
        Assert.Equal("summary of 1 messages: secret-alpha", second.Messages[^1].Content); // the cached goto still led to publish
        Assert.Equal("summary of 1 messages: secret-beta", other.Note);
    }

    [Fact]
    public async Task An_expired_entry_runs_the_node_again()
    {
        var clock = new FakeTimeProvider();
        var graph = Graph(new InMemoryNodeCache(timeProvider: clock), ttl: TimeSpan.FromMinutes(5));

        await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("a"));
        clock.Advance(TimeSpan.FromMinutes(4));
        await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("b"));
        clock.Advance(TimeSpan.FromMinutes(2));
        await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("c"));

        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task With_encryption_neither_keys_nor_entries_show_the_node_or_the_state()
    {
        var cache = new DictionaryCache();
        var key = new byte[32];
        key[3] = 7;
        var graph = Graph(cache, new CheckpointSerializer(new SerializerOptions { EncryptionKey = key }));

        await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("a"));
        await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("b"));

        var (entryKey, entry) = Assert.Single(cache.Entries);
        Assert.Equal(1, _runs);
        Assert.DoesNotContain("summarize", entryKey, StringComparison.Ordinal);
        Assert.StartsWith("checkpoint-node:hmac:", entryKey, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(entry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_entry_is_a_miss_and_is_written_again()
    {
        var cache = new DictionaryCache();
        var graph = Graph(cache);
        await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("a"));
        var entryKey = Assert.Single(cache.Entries).Key;
        cache.Entries[entryKey] = [1, 2, 3];

        var result = await graph.InvokeAsync(TestGraphs.Question("alpha"), RunConfig.ForThread("b"));

        Assert.Equal(2, _runs);
        Assert.Equal("summary of 1 messages: secret-alpha", result.Note);
        Assert.NotEqual([1, 2, 3], cache.Entries[entryKey]);
    }

    [Fact]
    public void A_cached_node_without_a_cache_is_refused_at_compile()
    {
        var error = Assert.Throws<GraphValidationException>(() => Graph(null));

        Assert.Contains("Node 'summarize' has a cache policy but the graph has no cache: set CompileOptions.NodeCache", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A cache whose entries the test can read and damage.</summary>
    private sealed class DictionaryCache : INodeCache
    {
        public ConcurrentDictionary<string, byte[]> Entries { get; } = new();

        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Entries.TryGetValue(key, out var value) ? value : null);

        public ValueTask SetAsync(string key, byte[] value, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
        {
            Entries[key] = value;
            return ValueTask.CompletedTask;
        }
    }
}
