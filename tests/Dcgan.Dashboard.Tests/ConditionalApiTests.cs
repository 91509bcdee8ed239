// The Play panel for a conditional run: drawing a chosen class and walking the latent space within a class.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using Dcgan.Cli;

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
}
