// The dashboard in a real headless Chromium (Debian's package, driven by Playwright): open the runs list, open a
// run, see its grid and curves, click "New samples" and see the picture change. Set DCGAN_SCREENSHOT=FILE to
// also save a full-page screenshot (docs/dashboard.png is made that way).
namespace Dcgan.Dashboard.Tests;

using Microsoft.Playwright;

[Collection(RunsCollection.Name)]
public sealed class BrowserTests(RunsFixture runs)
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task OpenARunSeeItsGridAndCurvesAndDrawNewSamples()
    {
        Skip.If(Environment.GetEnvironmentVariable("DCGAN_SKIP_BROWSER") == "1", "DCGAN_SKIP_BROWSER=1");
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set DCGAN_SKIP_BROWSER=1 to skip this test");
        string runsDir = Environment.GetEnvironmentVariable("DCGAN_SCREENSHOT_RUNS") ?? runs.RunsDir;
        string run = Environment.GetEnvironmentVariable("DCGAN_SCREENSHOT_RUN") ?? "good";

        await using var dash = await DashboardServer.StartAsync(new DashboardOptions { RunsDir = runsDir, Port = 0 });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Timeout = 30_000,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        var problems = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                problems.Add(m.Text);
            }
        };
        page.PageError += (_, e) => problems.Add(e);

        // The runs list links to the run.
        await page.GotoAsync(dash.Address.ToString());
        await page.ClickAsync($"tr[data-run='{run}'] a");
        await page.WaitForSelectorAsync("#run-name");
        Assert.Equal(run, await page.TextContentAsync("#run-name"));

        // Its latest epoch grid, the loss curves and the histogram are on the page.
        await page.WaitForFunctionAsync("() => document.querySelector('#epoch-grid')?.naturalWidth > 0");
        Assert.True(await page.Locator("svg.chart polyline").CountAsync() >= 2);
        Assert.Contains("Losses per epoch", await page.TextContentAsync("main"));
        await page.WaitForFunctionAsync("() => [...document.images].filter(i => i.src.includes('histogram.svg')).every(i => i.naturalWidth > 0)");

        // Play: a grid is drawn on arrival; "New samples" draws another with a new seed and the picture changes.
        await page.WaitForFunctionAsync("() => document.querySelector('#play-grid')?.naturalWidth > 0 && document.querySelector('#play-grid').dataset.seed !== undefined");
        await page.WaitForFunctionAsync("() => document.querySelector('#walk-strip')?.naturalWidth > 0");
        string seed = (await page.GetAttributeAsync("#play-grid", "data-seed"))!;
        byte[] before = await page.Locator("#play-grid").ScreenshotAsync();
        await page.ClickAsync("#new-samples");
        await page.WaitForFunctionAsync($"() => {{ const g = document.querySelector('#play-grid'); return g.dataset.seed !== '{seed}' && g.complete && g.naturalWidth > 0; }}");
        byte[] after = await page.Locator("#play-grid").ScreenshotAsync();
        Assert.NotEqual(before, after);

        string? screenshot = Environment.GetEnvironmentVariable("DCGAN_SCREENSHOT");
        if (screenshot is not null)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }
        Assert.Empty(problems);
    }
}
