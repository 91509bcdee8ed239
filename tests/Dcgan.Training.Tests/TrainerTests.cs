// The training pipeline end to end on the synthetic set: the run folder it leaves, pinned losses,
// exact resume (from epoch boundaries and from an interrupt mid-epoch), and checkpoint verification.
using Dcgan.TestSupport;

namespace Dcgan.Training.Tests;

using Dcgan.Data;
using Dcgan.Models;
using Dcgan.Reporting;
using Dcgan.Training;

public sealed class TrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-trainer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrainConfig Small(int epochs = 2) => new()
    {
        Dataset = "synthetic", Epochs = epochs, BatchSize = 8, Limit = 20, CheckpointEvery = 1, Samples = 4, Seed = 3, Threads = 2, Version = "test",
    };

    private sealed class Recorder(Func<int, bool>? stopAfterStep = null, CancellationTokenSource? cts = null) : ITrainingObserver
    {
        public List<string> Lines { get; } = [];
        public List<StepResult> Steps { get; } = [];

        public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
        {
            Steps.Add(result);
            if (stopAfterStep?.Invoke(Steps.Count) == true)
            {
                cts?.Cancel();
            }
        }

        public void OnEpoch(EpochMetrics metrics)
        {
        }

        public void Message(string line) => Lines.Add(line);
    }

    private (Trainer Trainer, Recorder Recorder, TrainOutcome Outcome) Train(TrainConfig config, string dir, string? resume = null,
        Func<int, bool>? stopAfter = null)
    {
        using var cts = new CancellationTokenSource();
        var recorder = new Recorder(stopAfter, cts);
        var data = SyntheticDataset.Create(config.Limit, (ulong)config.Seed);
        var trainer = new Trainer(config, data, new RunFolder(dir), recorder);
        var outcome = trainer.Run(cts.Token, resume);
        return (trainer, recorder, outcome);
    }

    [Fact]
    public void LeavesTheWholeRunFolder()
    {
        string dir = Path.Combine(_root, "run");
        var (_, recorder, outcome) = Train(Small(), dir);
        Assert.Equal(TrainOutcome.Completed, outcome);
        var run = new RunFolder(dir);
        Assert.True(File.Exists(run.SamplePath(1)));
        Assert.True(File.Exists(run.SamplePath(2)));
        Assert.True(new FileInfo(run.GifPath).Length > 100);
        // Every plot as PNG and SVG, the SVG names kept (the dashboard serves d_hist.svg); no quality plots without --eval-every.
        Assert.Equal(Path.Combine(dir, "losses.svg"), run.LossPlotPath);
        Assert.Equal(Path.Combine(dir, "d_hist.svg"), run.HistogramPath);
        ChartAssert.Files(run.PlotBase(RunPlots.Losses), "G loss (per step)", "D loss (per step)", "G loss (epoch mean)", "D loss (epoch mean)");
        // 20 real images per epoch; the noise batch is always full, so 3 x 8 generated ones.
        ChartAssert.Files(run.PlotBase(RunPlots.Histogram), "Discriminator output D(x) in epoch 2", "real images (n=20)", "generated images (n=24)");
        ChartAssert.Files(run.PlotBase(RunPlots.Accuracy), "on real images", "on generated images", "chance (50%)");
        ChartAssert.Files(run.PlotBase(RunPlots.EpochTimes), "seconds per epoch", "1", "2");
        foreach (string name in new[] { RunPlots.Fid, RunPlots.Kid, RunPlots.PrecisionRecall, RunPlots.ClassShares })
        {
            Assert.False(File.Exists(ChartFiles.SvgPath(run.PlotBase(name))) || File.Exists(ChartFiles.PngPath(run.PlotBase(name))), name);
        }
        string report = File.ReadAllText(run.ReportPath);
        Assert.Contains("data:image/png;base64,", report);
        // report.html inlines the same four charts as SVG.
        Assert.Equal(4, report.Split("<svg ").Length - 1);
        Assert.Contains("Discriminator accuracy per epoch", report);
        Assert.Contains("Training time per epoch", report);
        var lines = File.ReadAllLines(run.MetricsPath);
        Assert.Equal(2, lines.Length);
        var first = EpochMetrics.FromJsonLine(lines[0]);
        Assert.Equal(1, first.Epoch);
        Assert.Equal(3, first.Steps); // 20 images at batch 8: 8 + 8 + 4, the partial batch kept
        Assert.InRange(first.RealAccuracy, 0, 1);
        Assert.Equal(2, run.Checkpoints().Count);
        Assert.Contains(recorder.Lines, l => l.StartsWith("Time for epoch 1 is ", StringComparison.Ordinal));
        // Pinned: the first steps' losses for this seed. A change here means the numerics changed.
        Assert.True(File.Exists(run.ConfigPath));
        // Pinned: this seed's per-step losses (synthetic data, batch 8). A change means the numerics changed.
        // Re-pinned when dropout masks moved to a counter-based generator keyed by one draw per call.
        float[] g = [0.68805194f, 0.6847565f, 0.7037456f, 0.69188046f, 0.6890395f, 0.6857162f];
        float[] d = [1.3732569f, 1.3066792f, 1.2401793f, 1.1978561f, 1.1664234f, 1.1172723f];
        Assert.Equal(6, recorder.Steps.Count);
        for (int i = 0; i < 6; i++)
        {
            Assert.True(Math.Abs(recorder.Steps[i].GeneratorLoss - g[i]) < 2e-4 * g[i], $"g_loss at step {i}: {recorder.Steps[i].GeneratorLoss}");
            Assert.True(Math.Abs(recorder.Steps[i].DiscriminatorLoss - d[i]) < 2e-4 * d[i], $"d_loss at step {i}: {recorder.Steps[i].DiscriminatorLoss}");
        }
    }

    /// <summary>Fills in made-up quality figures and adds a chart of its own, as the quality probe does.</summary>
    private sealed class FakeEvaluator : IEpochEvaluator
    {
        public (EpochMetrics Metrics, string Summary) Evaluate(GanPair gan, EpochMetrics metrics) =>
            (metrics with { Fid = 100.0 / metrics.Epoch, Kid = 0.1 / metrics.Epoch, Precision = 0.2 * metrics.Epoch, Recall = 0.1 * metrics.Epoch }, "made up");

        public IReadOnlyList<RunChart> Charts(int epoch) =>
            [new RunChart(RunPlots.ClassShares, "Classes", new Chart($"Classes at epoch {epoch}") { Bars = [new BarSeries("share", [0.0, 1], [0.4, 0.6])] })];
    }

    [Fact]
    public void QualityPlotsAreDrawnForMeasuredEpochsAndTheEvaluatorsChartsJoinThem()
    {
        string dir = Path.Combine(_root, "measured");
        var config = Small() with { EvalEvery = 1 };
        var data = SyntheticDataset.Create(config.Limit, (ulong)config.Seed);
        Assert.Equal(TrainOutcome.Completed, new Trainer(config, data, new RunFolder(dir), new Recorder(), new FakeEvaluator()).Run(CancellationToken.None));
        var run = new RunFolder(dir);
        ChartAssert.Files(run.PlotBase(RunPlots.Fid), "FID", "FID by epoch (lower is better)");
        ChartAssert.Files(run.PlotBase(RunPlots.Kid), "KID");
        ChartAssert.Files(run.PlotBase(RunPlots.PrecisionRecall), "precision", "recall");
        ChartAssert.Files(run.PlotBase(RunPlots.ClassShares), "share", "Classes at epoch 2");
        foreach (string name in new[] { RunPlots.Losses, RunPlots.Histogram, RunPlots.Accuracy, RunPlots.EpochTimes })
        {
            ChartAssert.Files(run.PlotBase(name));
        }
        string report = File.ReadAllText(run.ReportPath);
        Assert.Equal(8, report.Split("<svg ").Length - 1);
        Assert.Contains("Classes at epoch 2", report);
    }

    [Fact]
    public void SeededTrainingIsRepeatableAndLossesArePinned()
    {
        var a = Train(Small(1), Path.Combine(_root, "a")).Recorder.Steps;
        var b = Train(Small(1), Path.Combine(_root, "b")).Recorder.Steps;
        Assert.Equal(a, b);
        Assert.Equal(3, a.Count);
        Assert.All(a, s => Assert.True(float.IsFinite(s.GeneratorLoss) && s.GeneratorLoss > 0.3f && s.GeneratorLoss < 1.5f));
    }

    [Fact]
    public void ResumeFromEpochCheckpointIsBitIdentical()
    {
        string straight = Path.Combine(_root, "straight");
        var full = Train(Small(3), straight).Trainer.Gan!;

        string split = Path.Combine(_root, "split");
        Train(Small(1), split);
        var run = new RunFolder(split);
        var resumed = Train(Small(3), split, run.Checkpoints()[^1].Path).Trainer.Gan!;
        Assert.True(full.Generator.Values.AsSpan().SequenceEqual(resumed.Generator.Values), "generator differs");
        Assert.True(full.Discriminator.Values.AsSpan().SequenceEqual(resumed.Discriminator.Values), "discriminator differs");
        Assert.True(full.GeneratorOptimizer.M.AsSpan().SequenceEqual(resumed.GeneratorOptimizer.M), "Adam state differs");
        Assert.Equal(3, File.ReadAllLines(run.MetricsPath).Length);
    }

    [Fact]
    public void InterruptMidEpochThenResumeIsBitIdentical()
    {
        var full = Train(Small(2), Path.Combine(_root, "straight")).Trainer.Gan!;
        string dir = Path.Combine(_root, "interrupted");
        var first = Train(Small(2), dir, stopAfter: n => n == 2);
        Assert.Equal(TrainOutcome.Interrupted, first.Outcome);
        var run = new RunFolder(dir);
        var (_, state) = Checkpoint.ReadHeader(run.Checkpoints()[^1].Path);
        Assert.Equal(0, state.CompletedEpochs);
        Assert.Equal(2, state.StepInEpoch);
        var resumed = Train(Small(2), dir, run.Checkpoints()[^1].Path).Trainer.Gan!;
        Assert.True(full.Generator.Values.AsSpan().SequenceEqual(resumed.Generator.Values), "generator differs");
        Assert.True(full.Discriminator.Values.AsSpan().SequenceEqual(resumed.Discriminator.Values), "discriminator differs");
        Assert.Equal(2, File.ReadAllLines(run.MetricsPath).Length);
    }

    [Fact]
    public void AStopDuringAnEpochsFilesIsTakenAtTheNextStepWithItsCheckpoint()
    {
        // No checkpoint is due after epoch 1: a stop that arrives while its files are written must still end in one.
        var config = Small(3) with { CheckpointEvery = 5 };
        var full = Train(config, Path.Combine(_root, "straight")).Trainer.Gan!;
        string dir = Path.Combine(_root, "late-stop");
        using var cts = new CancellationTokenSource();
        var observer = new StopOnMessage(cts, "Time for epoch 1 ");
        var outcome = new Trainer(config, SyntheticDataset.Create(config.Limit, (ulong)config.Seed), new RunFolder(dir), observer).Run(cts.Token);
        Assert.Equal(TrainOutcome.Interrupted, outcome);
        var run = new RunFolder(dir);
        var (_, state) = Checkpoint.ReadHeader(run.Checkpoints()[^1].Path);
        Assert.Equal((1, 1), (state.CompletedEpochs, state.StepInEpoch));
        Assert.Equal(RunState.Interrupted, RunStatus.Read(run.StatusPath).State);
        var resumed = Train(config, dir, run.Checkpoints()[^1].Path).Trainer.Gan!;
        Assert.True(full.Generator.Values.AsSpan().SequenceEqual(resumed.Generator.Values), "generator differs");
    }

    /// <summary>Asks for a stop when the trainer says a line starting with <paramref name="prefix"/>.</summary>
    private sealed class StopOnMessage(CancellationTokenSource cts, string prefix) : ITrainingObserver
    {
        public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
        {
        }

        public void OnEpoch(EpochMetrics metrics)
        {
        }

        public void Message(string line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                cts.Cancel();
            }
        }
    }

    [Fact]
    public void DamagedCheckpointsAreRefusedWithTheirName()
    {
        string dir = Path.Combine(_root, "run");
        Train(Small(1), dir);
        string path = new RunFolder(dir).Checkpoints()[^1].Path;
        byte[] good = File.ReadAllBytes(path);

        byte[] flipped = (byte[])good.Clone();
        flipped[flipped.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, flipped);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("damaged", e.Message);

        File.WriteAllBytes(path, good.AsSpan(0, good.Length - 1000).ToArray());
        Assert.Contains("damaged", Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path)).Message);

        File.WriteAllBytes(path, "hello"u8.ToArray());
        Assert.Contains("not a dcgan checkpoint", Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path)).Message);

        byte[] otherVersion = (byte[])good.Clone();
        otherVersion[8] = 9;
        File.WriteAllBytes(path, otherVersion);
        Assert.Contains("format version 9", Assert.Throws<CheckpointException>(() => Checkpoint.ReadHeader(path)).Message);

        // A checkpoint of another architecture loads into nothing and changes nothing.
        File.WriteAllBytes(path, good);
        var other = new GanPair(new ModelOptions { NoiseDim = 64 });
        float[] before = other.Generator.Values.ToArray();
        var shape = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, other));
        Assert.Contains("another architecture", shape.Message);
        Assert.True(before.AsSpan().SequenceEqual(other.Generator.Values));
    }

    [Fact]
    public void SamplerDrawsInInferenceModeIndependentlyOfBatchMates()
    {
        string dir = Path.Combine(_root, "run");
        Train(Small(1), dir);
        var sampler = Sampler.Open(dir);
        float[] many = sampler.Draw(10, seed: 5);
        Assert.Equal(10 * 28 * 28, many.Length);
        Assert.All(many, v => Assert.InRange(v, -1f, 1f));
        // The first image is the same whether drawn alone or with nine others.
        float[] one = sampler.Draw(1, seed: 5);
        Assert.True(one.AsSpan().SequenceEqual(many.AsSpan(0, 28 * 28)));
    }
}
