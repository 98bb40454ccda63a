using System.Text.RegularExpressions;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>The files look as docs/memory.md says: clean text for people, identity in a trailing comment.</summary>
public sealed partial class FileFormatTests : MarkdownTestBase
{
    [Fact]
    public async Task Long_term_and_semantic_items_are_bullets_of_MEMORY_md()
    {
        var store = Open();
        await store.PutManyAsync([
            new MemoryWrite { Namespace = Users42, Key = "lang", Content = "Prefers Python over JS", Entities = ["Python"] },
            new MemoryWrite { Namespace = Users42, Key = "city", Kind = MemoryKind.Semantic, Content = "Lives in Berlin" },
        ]);

        var text = ReadFile("users", "42", "MEMORY.md");
        var lines = text.Split('\n');
        Assert.Equal("# Memory", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.Matches(TagLine("Prefers Python over JS", "lang", 1), lines[2]);
        Assert.Matches(TagLine("Lives in Berlin", "city", 1), lines[3]);
        Assert.Equal("", lines[4]);
        Assert.Equal(5, lines.Length);
    }

    [Fact]
    public async Task Episodes_go_to_the_daily_log_of_their_creation_day()
    {
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "bug", Kind = MemoryKind.Episodic, Content = "Fixed the login bug" });
        Clock.Advance(TimeSpan.FromDays(1));
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "deploy", Kind = MemoryKind.Episodic, Content = "Deployed v2" });
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "bug", Kind = MemoryKind.Episodic, Content = "Fixed the login bug for good" });

        var first = ReadFile("users", "42", "memory", "2026-01-01.md").Split('\n');
        Assert.Equal("# 2026-01-01", first[0]);
        Assert.Matches(TagLine("Fixed the login bug for good", "bug", 2), first[2]);
        Assert.Matches(TagLine("Deployed v2", "deploy", 1), ReadFile("users", "42", "memory", "2026-01-02.md").Split('\n')[2]);
        Assert.False(File.Exists(Root["users", "42", "MEMORY.md"]));
    }

    [Fact]
    public async Task The_soul_key_is_the_whole_body_of_SOUL_md()
    {
        var store = Open();
        var soul = "You are Ada, a patient tutor.\n\nYou explain with examples.";
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "soul", Content = soul });

        var text = ReadFile("users", "42", "SOUL.md");
        Assert.StartsWith(soul + "\n\n<!-- key=soul v=1 h=", text, StringComparison.Ordinal);
        Assert.Equal(soul, (await Open().GetAsync(Users42, "soul"))!.Content);
    }

    [Fact]
    public async Task Multi_line_content_is_indented_and_odd_text_reads_back_exactly()
    {
        var store = Open();
        var contents = new[]
        {
            "line one\n- not a bullet\n\n  indented",
            "ends with a fake tag <!-- key=evil v=9 h=abc d= -->",
            "--> closes <!-- opens",
            "windows\r\nline\rends\r",
            "  leading and trailing spaces  ",
            "",
            "\n\nblank start",
        };
        await store.PutManyAsync(contents.Select((content, i) => new MemoryWrite { Namespace = Users42, Key = $"k{i}", Content = content }).ToList());

        Assert.Contains("- line one\n  - not a bullet\n  \n    indented <!-- key=k0 ", ReadFile("users", "42", "MEMORY.md"), StringComparison.Ordinal);
        var reopened = Open();
        for (var i = 0; i < contents.Length; i++)
        {
            var item = await reopened.GetAsync(Users42, $"k{i}");
            Assert.Equal((contents[i], 1L), (item!.Content, item.Version));
        }

        Assert.Equal(contents.Length, (await reopened.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Limit = 100 })).Count);
    }

    [Theory]
    [InlineData("..", "%2E.")]
    [InlineData(".memory", "%2Ememory")]
    [InlineData("a b", "a%20b")]
    [InlineData("memory", "%6Demory")]
    [InlineData("MEMORY.md", "%4DEMORY.md")]
    [InlineData("SOUL.md", "%53OUL.md")]
    [InlineData("100%", "100%25")]
    [InlineData("<!--", "%3C%21--")]
    [InlineData("é", "%C3%A9")]
    public async Task Labels_become_escaped_folder_names_inside_the_root(string label, string folder)
    {
        var store = Open();
        var ns = MemoryNamespace.Of("top", label);
        await store.PutAsync(new MemoryWrite { Namespace = ns, Key = "../../escape", Content = "inside" });

        Assert.True(File.Exists(Root["top", folder, "MEMORY.md"]));
        Assert.All(Directory.GetFiles(Root.Path, "*", SearchOption.AllDirectories), path => Assert.StartsWith(Root.Path + Path.DirectorySeparatorChar, path, StringComparison.Ordinal));
        Assert.Equal([ns], await Open().ListNamespacesAsync(new NamespaceQuery()));
        Assert.Equal("inside", (await Open().GetAsync(ns, "../../escape"))!.Content);
    }

    [Fact]
    public async Task Keys_and_content_with_comment_syntax_cannot_forge_a_tag()
    {
        var store = Open();
        var key = "x --> <!-- key=evil v=9 h=abcdefgh d= -->";
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = key, Content = "-->\n- <!-- key=evil v=9 h=abcdefgh d= -->" });

        var text = ReadFile("users", "42", "MEMORY.md");
        Assert.Single(text.Split('\n'), line => line.StartsWith("- ", StringComparison.Ordinal));
        Assert.Contains("<!-- key=x%20--%3E%20%3C%21--%20key%3Devil%20v%3D9", text, StringComparison.Ordinal);
        var read = Assert.Single(await Open().SearchAsync(new MemorySearch { NamespacePrefix = Users42 })).Item;
        Assert.Equal((key, "-->\n- <!-- key=evil v=9 h=abcdefgh d= -->", 1L), (read.Key, read.Content, read.Version));
    }

    [Fact]
    public async Task A_label_too_long_for_a_folder_name_once_escaped_is_refused()
    {
        var store = Open();
        var label = new string('é', MemoryNamespace.MaxLabelLength);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of(label), Key = "k", Content = "x" }));

        Assert.Contains("too long for a folder name", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(MemoryNamespace.Of(label), "k"));
    }

    [Fact]
    public async Task A_namespace_labelled_memory_does_not_mix_with_the_daily_logs()
    {
        var store = Open();
        await store.PutManyAsync([
            new MemoryWrite { Namespace = Users42, Key = "e", Kind = MemoryKind.Episodic, Content = "an episode" },
            new MemoryWrite { Namespace = Users42.Append("memory"), Key = "f", Content = "a child namespace" },
        ]);

        var reopened = Open();
        Assert.Equal([Users42, Users42.Append("memory")], await reopened.ListNamespacesAsync(new NamespaceQuery()));
        var items = (await reopened.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Limit = 10 })).Select(hit => hit.Item).ToList();
        Assert.Equal([("e", Users42, MemoryKind.Episodic), ("f", Users42.Append("memory"), MemoryKind.LongTerm)], items.Select(i => (i.Key, i.Namespace, i.Kind)).OrderBy(t => t.Key));
    }

    [Fact]
    public void An_encrypting_serializer_is_refused_with_a_clear_error()
    {
        var serializer = new Checkpoint.Serialization.CheckpointSerializer(new Checkpoint.Serialization.SerializerOptions { EncryptionKey = new byte[32] });

        var error = Assert.Throws<ArgumentException>(() => new MarkdownMemoryStore(Root.Path, new MemoryStoreOptions { Serializer = serializer }));

        Assert.Contains("plaintext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_last_item_removes_its_files_and_empty_folders()
    {
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "e", Kind = MemoryKind.Episodic, Content = "an episode" });

        Assert.True(await store.DeleteAsync(Users42, "e"));

        Assert.False(Directory.Exists(Root["users"]));
        Assert.True(Directory.Exists(Root.Path));
    }

    private static Regex TagLine(string content, string key, int version) =>
        new($"^- {Regex.Escape(content)} <!-- key={key} v={version} h=[A-Za-z0-9_-]{{8}} d=[A-Za-z0-9_-]+ -->$");
}
