using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary><c>ckpt serve</c>'s JSON routes and page, over HTTP against the in-process server on the QuickStart database.</summary>
public sealed class InspectorApiTests : IClassFixture<InspectorFixture>
{
    private readonly InspectorFixture _inspector;

    public InspectorApiTests(InspectorFixture inspector) => _inspector = inspector;

    [Fact]
    public void Server_listens_on_the_loopback_address_only()
    {
        Assert.Equal("127.0.0.1", _inspector.Address.Host);
        Assert.NotEqual(0, _inspector.Address.Port);
    }

    [Fact]
    public async Task Threads_lists_the_thread_with_its_step_checkpoints_and_bytes()
    {
        var threads = (JsonArray)(await GetJsonAsync("api/threads"))!;
        var thread = Assert.Single(threads)!;
        Assert.Equal("user-42", (string?)thread["threadId"]);
        Assert.Equal(3, (int)thread["step"]!);
        Assert.Equal(7, (int)thread["checkpoints"]!);
        Assert.Empty(thread["next"]!.AsArray());
        Assert.False((bool)thread["interrupted"]!);
        Assert.True((long)thread["bytes"]! > 0);
    }

    [Fact]
    public async Task History_gives_each_checkpoint_its_parent_and_marks_the_one_fork()
    {
        var history = await GetJsonAsync("api/threads/user-42/history");
        var checkpoints = history!["checkpoints"]!.AsArray();
        Assert.Equal(7, checkpoints.Count);
        Assert.Null(checkpoints[0]!["parentId"]);
        var ids = checkpoints.Select(c => (string)c!["id"]!).ToHashSet();
        Assert.All(checkpoints.Skip(1), c => Assert.Contains((string)c!["parentId"]!, ids));
        var fork = Assert.Single(checkpoints, c => (bool)c!["fork"]!)!;
        Assert.Equal(0, (int)fork["step"]!);
        Assert.Equal(2, checkpoints.Count(c => (string?)c!["parentId"] == (string)fork["id"]!));
    }

    [Fact]
    public async Task Checkpoint_gives_the_same_document_as_show_json()
    {
        var latest = await GetJsonAsync("api/checkpoints/user-42");
        var messages = latest!["state"]!["Messages"]!.AsArray();
        Assert.Equal("6*8 = 48", (string?)messages[^1]!["Content"]);

        var (code, output) = await Ckpt.RunAsync("show", (string)latest["id"]!, "--json", "--db", "sqlite:" + _inspector.DatabasePath);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(output), latest));
    }

    [Fact]
    public async Task Diff_lists_the_changes_between_the_fork_point_and_the_end_of_the_fork()
    {
        var checkpoints = (await GetJsonAsync("api/threads/user-42/history"))!["checkpoints"]!.AsArray();
        var fork = (string)checkpoints.First(c => (bool)c!["fork"]!)!["id"]!;
        var end = (string)(await GetJsonAsync("api/checkpoints/user-42"))!["id"]!;
        var diff = await GetJsonAsync($"api/diff?a={fork}&b={end}");
        Assert.Equal(0, (int)diff!["a"]!["step"]!);
        Assert.Equal(3, (int)diff["b"]!["step"]!);
        var changes = diff["changes"]!.AsArray().ToDictionary(c => (string)c!["channel"]!);
        Assert.Equal(["Done", "Messages", "PendingExpression"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("6*7", (string?)changes["PendingExpression"]!["before"]);
        Assert.Equal("6*8", (string?)changes["PendingExpression"]!["after"]);
        Assert.Empty(changes["Messages"]!["removed"]!.AsArray());
        Assert.Equal(3, changes["Messages"]!["added"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("api/checkpoints/01a22d16-0000-7000-8000-000000000000", HttpStatusCode.NotFound, "Unknown checkpoint id")]
    [InlineData("api/threads/nobody/history", HttpStatusCode.NotFound, "Unknown thread 'nobody'")]
    [InlineData("api/diff?a=user-42", HttpStatusCode.BadRequest, "Name both checkpoints")]
    public async Task Errors_are_json_with_a_status_that_says_what_went_wrong(string route, HttpStatusCode status, string message)
    {
        using var response = await _inspector.Client.GetAsync(new Uri(route, UriKind.Relative));
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, (string?)body!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_and_its_assets_are_served_by_the_tool_and_name_no_other_host()
    {
        using var page = await _inspector.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        foreach (var asset in new[] { "/assets/inspector.js", "/assets/inspector.css" })
        {
            Assert.Contains(asset, html, StringComparison.Ordinal);
            using var response = await _inspector.Client.GetAsync(new Uri(asset, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("http", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        using var missing = await _inspector.Client.GetAsync(new Uri("/assets/other.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Nothing_but_reads_is_accepted()
    {
        using var post = await _inspector.Client.PostAsync(new Uri("api/threads", UriKind.Relative), new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using var delete = await _inspector.Client.DeleteAsync(new Uri("api/checkpoints/user-42", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
    }

    [Fact]
    public async Task Serve_refuses_a_bad_port_and_a_missing_database_before_listening()
    {
        var (badPort, portOutput) = await Ckpt.RunAsync("serve", "--port", "70000", "--db", "sqlite:" + _inspector.DatabasePath);
        Assert.Equal(ExitCodes.Usage, badPort);
        Assert.Contains("--port must be between 0 and 65535", portOutput, StringComparison.Ordinal);

        var (missing, missingOutput) = await Ckpt.RunAsync("serve", "--port", "0", "--db", "sqlite:" + _inspector.DatabasePath + ".missing");
        Assert.Equal(ExitCodes.Failure, missing);
        Assert.Contains("No database file", missingOutput, StringComparison.Ordinal);
    }

    private async Task<JsonNode?> GetJsonAsync(string route)
    {
        using var response = await _inspector.Client.GetAsync(new Uri(route, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonNode.Parse(text);
    }
}
