// The page updates itself while a run trains: the event stream announces a new version when the run folder
// changes, and the status follows status.json or, without one, the files' times.
namespace Dcgan.Dashboard.Tests;

using System.Diagnostics;
using System.Text.Json;
using Dcgan.Training;

[Collection(RunsCollection.Name)]
public sealed class LiveUpdateTests(RunsFixture runs)
{
    [Fact]
    public async Task EventStreamAnnouncesANewEpoch()
    {
        string run = runs.Copy("live-" + Guid.NewGuid().ToString("N")[..6]);
        await using var dash = await TestDashboard.StartAsync(runs.RunsDir);
        using var response = await dash.Client.GetAsync($"/api/runs/{Path.GetFileName(run)}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string first = await NextVersion(reader);
        var metrics = Path.Combine(run, "metrics.jsonl");
        File.AppendAllText(metrics, new EpochMetrics { Epoch = 3, GeneratorLoss = 1, DiscriminatorLoss = 1, Seconds = 1 }.ToJsonLine() + "\n");
        string second = await NextVersion(reader);
        Assert.NotEqual(first, second);
        var detail = await dash.Json($"/api/runs/{Path.GetFileName(run)}");
        Assert.Equal(second, detail.GetProperty("run").GetProperty("version").GetString());
        Assert.Equal(3, detail.GetProperty("run").GetProperty("epochs_done").GetInt32());
    }

    [Fact]
    public async Task EventsOfABadRunAreAJsonError()
    {
        await using var dash = await TestDashboard.StartAsync(runs.RunsDir);
        await dash.Error("/api/runs/nope/events", System.Net.HttpStatusCode.NotFound, "no run");
        await dash.Error("/api/runs/good/events?x=1", System.Net.HttpStatusCode.BadRequest, "unknown parameter");
    }

    [Fact]
    public void StatusFollowsStatusJson()
    {
        string run = runs.Copy("status-" + Guid.NewGuid().ToString("N")[..6]);
        var folder = new RunFolder(run);
        var old = DateTime.UtcNow.AddHours(-1);
        var window = TimeSpan.FromMinutes(3);
        string status = Path.Combine(run, "status.json");

        File.WriteAllText(status, JsonSerializer.Serialize(new { state = "training", pid = Environment.ProcessId }));
        Assert.Equal("training", RunReader.Status(folder, 1, 5, old, window).State);
        File.WriteAllText(status, JsonSerializer.Serialize(new { state = "training", pid = DeadPid() }));
        Assert.Equal("interrupted", RunReader.Status(folder, 1, 5, DateTime.UtcNow, window).State);
        File.WriteAllText(status, """{"state":"interrupted","pid":1,"detail":"training diverged (NaN loss)"}""");
        Assert.Equal(("interrupted", "training diverged (NaN loss)"), RunReader.Status(folder, 1, 5, DateTime.UtcNow, window));
        File.WriteAllText(status, """{"state":"finished"}""");
        Assert.Equal("finished", RunReader.Status(folder, 5, 5, old, window).State);
        // A run that failed (diverged, or a checkpoint it could not write) says so, with the trainer's message.
        new RunStatus { State = RunState.Failed, Pid = DeadPid(), Detail = "training diverged at epoch 2, step 1 (g_loss NaN)" }.Write(folder.StatusPath);
        Assert.Equal(("failed", "training diverged at epoch 2, step 1 (g_loss NaN)"), RunReader.Status(folder, 1, 5, old, window));
        File.WriteAllText(status, """{"state":"trai""");
        Assert.Equal("interrupted", RunReader.Status(folder, 1, 5, old, window).State);

        File.Delete(status);
        Assert.Equal("finished", RunReader.Status(folder, 5, 5, old, window).State);
        Assert.Equal("training", RunReader.Status(folder, 1, 5, DateTime.UtcNow.AddSeconds(-10), window).State);
        Assert.Equal("interrupted", RunReader.Status(folder, 1, 5, old, window).State);
    }

    [Fact]
    public async Task AFailedRunIsListedAsFailedWithItsMessage()
    {
        string name = "failed-" + Guid.NewGuid().ToString("N")[..6];
        var folder = new RunFolder(runs.Copy(name));
        new RunStatus { State = RunState.Failed, EpochsDone = 1, Epochs = 2, Pid = DeadPid(), Detail = "could not write checkpoint ckpt-2.dcgan: No space left on device" }
            .Write(folder.StatusPath);
        await using var dash = await TestDashboard.StartAsync(runs.RunsDir);
        var run = (await dash.Json($"/api/runs/{name}")).GetProperty("run");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Equal("could not write checkpoint ckpt-2.dcgan: No space left on device", run.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task SingleRunFolderIsServedAsItsOnlyRun()
    {
        await using var dash = await TestDashboard.StartAsync(runs.Good);
        var list = await dash.Json("/api/runs");
        Assert.True(list.GetProperty("single_run").GetBoolean());
        Assert.Equal("good", list.GetProperty("runs")[0].GetProperty("name").GetString());
        Assert.Equal(2, (await dash.Json("/api/runs/good/metrics")).GetProperty("epochs").GetArrayLength());
        await dash.Error("/api/runs/damaged", System.Net.HttpStatusCode.NotFound, "serves the run 'good'");
    }

    [Fact]
    public async Task AMissingRunsFolderIsAnEmptyList()
    {
        await using var dash = await TestDashboard.StartAsync(Path.Combine(runs.Root, "not-yet"));
        var list = await dash.Json("/api/runs");
        Assert.False(list.GetProperty("exists").GetBoolean());
        Assert.Equal(0, list.GetProperty("runs").GetArrayLength());
    }

    private static async Task<string> NextVersion(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[6..]).RootElement.GetProperty("version").GetString()!;
            }
        }
    }

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
