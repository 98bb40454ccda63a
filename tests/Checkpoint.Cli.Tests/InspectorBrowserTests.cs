using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Checkpoint.Cli.Tests;

/// <summary>
/// <c>ckpt serve</c> end to end in a real headless Chromium (Debian's package; test.sh installs it when missing):
/// pick a thread, a checkpoint and its messages, then two checkpoints and their diff, and keep a screenshot.
/// </summary>
public sealed class InspectorBrowserTests : IClassFixture<InspectorFixture>
{
    /// <summary>Debian's chromium. Playwright's own browser download cannot work offline, so it drives this one.</summary>
    private const string Chromium = "/usr/bin/chromium";

    private readonly InspectorFixture _inspector;

    public InspectorBrowserTests(InspectorFixture inspector) => _inspector = inspector;

    [Fact]
    public async Task A_thread_a_checkpoint_its_messages_and_the_diff_of_two_checkpoints_show_in_the_browser()
    {
        // A missing browser fails the test: skipping would hide that the inspector went untested.
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (test.sh does: apt-get install chromium).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
        page.SetDefaultTimeout(15_000);
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };

        await page.GotoAsync(_inspector.Address.ToString());
        await page.Locator("#threads li", new PageLocatorOptions { HasText = "user-42" }).ClickAsync();
        var nodes = page.Locator(".node");
        await Expect(nodes).ToHaveCountAsync(7);
        await Expect(page.Locator(".node .badge.fork")).ToHaveCountAsync(1);

        // The end of the fork: its messages, the question through the 6*8 answer.
        await nodes.Filter(new LocatorFilterOptions { HasText = "step 3" }).ClickAsync();
        var messages = page.Locator("#checkpoint .message");
        await Expect(messages.First).ToContainTextAsync("What is 6 x 7?");
        await Expect(messages.Last).ToContainTextAsync("6*8 = 48");
        await Expect(page.Locator("#checkpoint")).ToContainTextAsync("Pending writes");

        // The fork point and the end of the fork: the branch's messages added, the expression changed.
        await page.Locator(".node", new PageLocatorOptions { Has = page.Locator(".badge.fork") }).Locator("input").CheckAsync();
        await nodes.Filter(new LocatorFilterOptions { HasText = "step 3" }).Locator("input").CheckAsync();
        var diff = page.Locator("#diff");
        await Expect(diff).ToBeVisibleAsync();
        await Expect(diff).ToContainTextAsync("step 0 → step 3");
        await Expect(diff.Locator(".added")).ToHaveCountAsync(3); // the branch's three messages
        await Expect(diff).ToContainTextAsync("\"6*7\" → \"6*8\"");
        await Expect(page.Locator("#error")).ToBeHiddenAsync();
        Assert.Empty(consoleErrors);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(), FullPage = true });
        Assert.True(new FileInfo(ScreenshotPath()).Length > 10_000);
    }

    /// <summary>Beside the other test results (.tmp/test-results in the repository), or the output directory outside one.</summary>
    private static string ScreenshotPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Checkpoint.sln")))
            {
                var results = Directory.CreateDirectory(Path.Combine(directory.FullName, ".tmp", "test-results"));
                return Path.Combine(results.FullName, "inspector.png");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "inspector.png");
    }
}
