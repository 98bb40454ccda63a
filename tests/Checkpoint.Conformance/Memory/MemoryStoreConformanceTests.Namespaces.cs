using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

public abstract partial class MemoryStoreConformanceTests
{
    private async Task PutNamespacesAsync(params string[] paths)
    {
        await Store.PutManyAsync(paths.Select((path, i) => Write(path, $"k{i}", "x")).ToList());
    }

    private async Task<List<string>> NamespacesAsync(NamespaceQuery query) =>
        (await Store.ListNamespacesAsync(query)).Select(ns => ns.ToString()).ToList();

    [Fact]
    public async Task List_namespaces_filters_by_prefix_and_suffix_label_wise()
    {
        await PutNamespacesAsync("users/4/facts", "users/42/facts", "users/42/episodes", "users/4", "teams/x/facts");

        Assert.Equal(["teams/x/facts", "users/4", "users/4/facts", "users/42/episodes", "users/42/facts"], await NamespacesAsync(new NamespaceQuery()));
        Assert.Equal(["users/4", "users/4/facts"], await NamespacesAsync(new NamespaceQuery { Prefix = Ns("users/4") }));
        Assert.Equal(["teams/x/facts", "users/4/facts", "users/42/facts"], await NamespacesAsync(new NamespaceQuery { Suffix = Ns("facts") }));
        Assert.Equal(["users/42/facts"], await NamespacesAsync(new NamespaceQuery { Prefix = Ns("users/42"), Suffix = Ns("facts") }));
        Assert.Empty(await NamespacesAsync(new NamespaceQuery { Suffix = Ns("acts") }));
    }

    [Fact]
    public async Task List_namespaces_cuts_to_max_depth_dedupes_and_pages()
    {
        await PutNamespacesAsync("users/1/facts", "users/1/episodes", "users/2/facts", "users/3", "teams/x/facts");

        Assert.Equal(["teams", "users"], await NamespacesAsync(new NamespaceQuery { MaxDepth = 1 }));
        Assert.Equal(["teams/x", "users/1", "users/2", "users/3"], await NamespacesAsync(new NamespaceQuery { MaxDepth = 2 }));
        Assert.Equal(["users/1", "users/2"], await NamespacesAsync(new NamespaceQuery { MaxDepth = 2, Offset = 1, Limit = 2 }));
        Assert.Empty(await NamespacesAsync(new NamespaceQuery { Offset = 10 }));
    }

    [Fact]
    public async Task Deleting_the_last_item_of_a_namespace_removes_it_from_the_list()
    {
        await PutNamespacesAsync("a/b");
        Assert.True(await Store.DeleteAsync(Ns("a/b"), "k0"));
        Assert.Empty(await NamespacesAsync(new NamespaceQuery()));
    }
}
