// The Play panel for a conditional run: drawing a chosen class and walking the latent space within a class; its
// conditional settings in the run's config, and those an older run's config.json predates shown as it loads them.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using System.Text.Json.Nodes;
using Dcgan.Cli;
using Dcgan.Training;

public sealed class ConditionalApiTests : IAsyncLifetime, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-dash-cond-").FullName;
    private TestDashboard _dash = null!;

    public async Task InitializeAsync()
    {
        string run = Path.Combine(_root, "cond");
        int exit = Program.Run(
            ["train", "--dataset", "synthetic", "--conditional", "--limit", "20", "--batch-size", "10", "--epochs", "1", "--out", run],
            new StringWriter(), new StringWriter());
        Assert.Equal(0, exit);
        _dash = await TestDashboard.StartAsync(_root);
    }

    public async Task DisposeAsync() => await _dash.DisposeAsync();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<byte[]> Png(string path)
    {
        using var response = await _dash.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task DrawsTheAskedClassAndRefusesLabelsOutOfRange()
    {
        Assert.True((await _dash.Json("/api/runs/cond")).GetProperty("conditional").GetBoolean());
        byte[] three = await Png("/api/runs/cond/generate?label=3&count=4&seed=5");
        byte[] seven = await Png("/api/runs/cond/generate?label=7&count=4&seed=5");
        Assert.NotEqual(three, seven);
        Assert.Equal(three, await Png("/api/runs/cond/generate?label=3&count=4&seed=5"));
        Assert.NotEmpty(await Png("/api/runs/cond/interpolate?label=2&count=4&from=0&to=3&steps=5"));
        Assert.NotEmpty(await Png("/api/runs/cond/generate?count=10")); // no label: an even mix
        await _dash.Error("/api/runs/cond/generate?label=10", HttpStatusCode.BadRequest, "label");
        await _dash.Error("/api/runs/cond/generate?label=-1", HttpStatusCode.BadRequest, "label");
    }

    [Fact]
    public async Task ConfigShowsTheConditionalSettingsAndWhatAnOlderRunLoadsWith()
    {
        // A run trained now: its config.json has every conditional setting, so nothing is filled in.
        var current = await _dash.Json("/api/runs/cond");
        var config = current.GetProperty("config");
        Assert.True(config.GetProperty("conditional").GetBoolean());
        Assert.Equal("acgan", config.GetProperty("cond-scheme").GetString());
        Assert.Equal(TrainConfig.ConditionalClassWeight, config.GetProperty("class-weight").GetDouble());
        Assert.Equal(TrainConfig.ConditionalGeneratorEma, config.GetProperty("g-ema").GetDouble());
        Assert.Empty(current.GetProperty("config_defaults").EnumerateObject());

        // The same run as written before those settings existed: config.json as it is, plus what the run loads with.
        var old = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "cond", "config.json")))!.AsObject();
        Assert.True(old.Remove("cond-scheme") && old.Remove("class-weight") && old.Remove("g-ema"));
        string oldRun = Path.Combine(_root, "old-cond");
        Directory.CreateDirectory(oldRun);
        File.WriteAllText(Path.Combine(oldRun, "config.json"), old.ToJsonString());

        var legacy = await _dash.Json("/api/runs/old-cond");
        Assert.True(legacy.GetProperty("conditional").GetBoolean());
        Assert.False(legacy.GetProperty("config").TryGetProperty("cond-scheme", out _));
        var defaults = legacy.GetProperty("config_defaults");
        Assert.Equal(["class-weight", "cond-scheme", "g-ema"], defaults.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("acgan", defaults.GetProperty("cond-scheme").GetString());
        Assert.Equal(1, defaults.GetProperty("class-weight").GetDouble());
        Assert.Equal(0, defaults.GetProperty("g-ema").GetDouble());
    }
}
