// A whole experiment on the synthetic set (seconds): both reports with every variant and the seed's words,
// quality recorded per run, evaluation during training leaving training bit-identical, and resume after an
// interruption (the finished variant kept, the running one continued from its checkpoint).
using Dcgan.Data;
using Dcgan.Experiments;
using Dcgan.Models;
using Dcgan.Quality;
using Dcgan.Training;

using Dcgan.TestSupport;

namespace Dcgan.Experiments.Tests;

public sealed class ExperimentRunnerTests : IDisposable
{
    private const string File = """
        { "name": "tiny", "description": "A tiny experiment.",
          "base": { "dataset": "synthetic", "epochs": 2, "limit": 128, "batch-size": 64, "samples": 4, "checkpoint-every": 1 },
          "eval-count": 64,
          "parts": [
            { "id": "A", "title": "length", "question": "How does it look after 1 and 2 epochs?",
              "variants": [ { "name": "base", "changes": "LeakyReLU generator", "report-epochs": [1, 2] } ] },
            { "id": "B", "question": "ReLU?", "compare-with": "base@2",
              "variants": [ { "name": "relu", "changes": "ReLU instead of LeakyReLU, beta1 0.5", "flags": { "g-activation": "relu", "beta1": 0.5 } } ] } ] }
        """;

    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private ExperimentPlan Plan() => ExperimentPlan.Create(ExperimentFile.Parse(File, "tiny.json"), quick: false);

    private DataLocations Locations() => new() { CacheRoot = _t.Dir("cache"), KnownRoots = [] };

    [Fact]
    public void WritesBothReportsWithEveryVariant()
    {
        string root = _t.Dir("exp");
        var log = new StringWriter();
        var outcome = new ExperimentRunner(Plan(), root, Locations(), log).Run(CancellationToken.None);

        Assert.Equal(ExperimentOutcome.Completed, outcome);
        string md = System.IO.File.ReadAllText(Path.Combine(root, "report.md"));
        string html = System.IO.File.ReadAllText(Path.Combine(root, "report.html"));
        foreach (string name in new[] { "base@1", "base@2", "relu" })
        {
            Assert.Contains($"| {name} |", md);
            Assert.Contains($"<td>{name}</td>", html);
        }
        foreach (string word in new[] { "relu", "leaky", "beta1", "fid", "seconds", "best quality", "fastest" })
        {
            Assert.Contains(word, md, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(word, html, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("vs", md);
        Assert.Contains("data:image/png;base64,", html);
        // The comparison charts: PNG for report.md, SVG inlined in report.html, one line per variant.
        Assert.Equal(3, html.Split("<svg").Length - 1);
        foreach (string chart in new[] { "g_loss", "d_loss", "fid" })
        {
            ChartAssert.Files(Path.Combine(root, chart), "base", "relu");
            Assert.Contains($"]({chart}.png)", md);
        }
        // Each variant's run folder has the run plots of its own.
        var baseRun = new RunFolder(Path.Combine(root, "base"));
        foreach (string name in new[] { RunPlots.Losses, RunPlots.Histogram, RunPlots.Accuracy, RunPlots.EpochTimes })
        {
            ChartAssert.Files(baseRun.PlotBase(name));
        }
        var quality = QualityLog.Read(new RunFolder(Path.Combine(root, "base")));
        Assert.Equal([1, 2], quality.Select(q => q.Epoch!.Value));
        Assert.All(quality, q => Assert.True(q.Fid > 0 && q.Count == 64));
        var done = VariantResult.FromJson(System.IO.File.ReadAllText(Path.Combine(root, "relu", VariantResult.FileName)));
        Assert.Equal("done", done.Status);
        Assert.Equal(2, done.Rows[^1].Epoch);
        Assert.NotNull(done.Rows[^1].Fid);
    }

    [Fact]
    public void EvaluatingDuringTrainingLeavesTrainingUnchanged()
    {
        string root = _t.Dir("exp");
        var plan = Plan();
        new ExperimentRunner(plan, root, Locations(), TextWriter.Null).Run(CancellationToken.None);

        var config = plan.Variants[0].Config;
        var plain = new Trainer(config, SyntheticDataset.Create(128, (ulong)config.Seed), new RunFolder(_t.Dir("plain")), new QuietObserver());
        plain.Run(CancellationToken.None);
        var gan = new GanPair(config.ModelOptions());
        Checkpoint.Load(new RunFolder(Path.Combine(root, "base")).Checkpoints()[^1].Path, gan);
        Assert.Equal(plain.Gan!.Generator.Values, gan.Generator.Values);
        Assert.Equal(plain.Gan.Discriminator.Values, gan.Discriminator.Values);
    }

    [Fact]
    public void ResumesAfterAnInterruption()
    {
        string root = _t.Dir("exp");
        using var cts = new CancellationTokenSource();
        // Stop while the second variant is in its first epoch's evaluation line.
        var log = new CancelOn("[relu] epoch 1/", cts);
        var first = new ExperimentRunner(Plan(), root, Locations(), log).Run(cts.Token);
        Assert.Equal(ExperimentOutcome.Interrupted, first);
        Assert.True(System.IO.File.Exists(Path.Combine(root, "base", VariantResult.FileName)));
        Assert.False(System.IO.File.Exists(Path.Combine(root, "relu", VariantResult.FileName)));
        // The stopped variant is reported as unfinished, with where its newest checkpoint is.
        // (A stop during epoch 1's files is taken at the next step, with its checkpoint: in epoch 2.)
        Assert.Matches(@"\| relu \| B \| ReLU instead of LeakyReLU, beta1 0\.5 \| 2 \| unfinished: no final checkpoint \(the newest is at epoch 2 of 2, step [1-9]\d*\) \|",
            System.IO.File.ReadAllText(Path.Combine(root, "report.md")));
        var states = new ExperimentRunner(Plan(), root, Locations(), TextWriter.Null).States();
        Assert.True(states[0].Finished);
        Assert.Equal(1, states[1].Checkpoint!.Value.Item1);
        Assert.True(states[1].Checkpoint!.Value.Item2 > 0);
        Assert.True(states[1].Unfinished);

        var again = new StringWriter();
        var second = new ExperimentRunner(Plan(), root, Locations(), again).Run(CancellationToken.None);
        Assert.Equal(ExperimentOutcome.Completed, second);
        Assert.Contains("[base] already finished; kept", again.ToString());
        // The stop came during epoch 1's files, so the variant stopped at the next step with its checkpoint, and goes on from it.
        Assert.Matches(@"\[relu\] .*resuming from ckpt-\d+\.dcgan", again.ToString());
        Assert.DoesNotContain("not run yet", System.IO.File.ReadAllText(Path.Combine(root, "report.md")));
        Assert.DoesNotContain("unfinished", System.IO.File.ReadAllText(Path.Combine(root, "report.md")));

        // The same folder with other settings is refused rather than mixed into the report.
        var changed = ExperimentPlan.Create(ExperimentFile.Parse(File.Replace("\"epochs\": 2, \"limit\": 128", "\"epochs\": 2, \"limit\": 192"), "tiny.json"), quick: false);
        var e = Assert.Throws<ExperimentFileException>(() => new ExperimentRunner(changed, root, Locations(), TextWriter.Null).Run(CancellationToken.None));
        Assert.Contains("--limit", e.Message);
    }

    private sealed class CancelOn(string marker, CancellationTokenSource cts) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(marker, StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        }
    }
}
