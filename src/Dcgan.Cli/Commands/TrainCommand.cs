// `dcgan train`: flags -> TrainConfig -> data -> Trainer, with resume, Ctrl-C and progress output.
namespace Dcgan.Cli.Commands;

using System.Globalization;
using Dcgan.Data;
using Dcgan.Training;

/// <summary>Trains a DCGAN into a run folder.</summary>
public static class TrainCommand
{
    public static OptionSet Options() => ModelFlags.Add(new OptionSet("dcgan train [options]",
        "Train a DCGAN with the TensorFlow tutorial's recipe (override any part with the flags below) and write a run\n" +
        "folder: config.json, metrics.jsonl, samples/, progress.gif, losses.svg, d_hist.svg, report.html, checkpoints/.")
        .Choice("dataset", "mnist", "Data set (synthetic: a tiny generated set for smoke tests)", "mnist", "fashion-mnist", "synthetic")
        .Text("data-dir", null, "Folder with the four IDX files (raw or .gz) or a Keras .npz")
        .Int("epochs", 50, "Epochs to train", TrainLimits.Epochs)
        .Int("batch-size", 256, "Images per step", TrainLimits.BatchSize)
        .Int("limit", 0, "Train on the first N images only (0: all)", TrainLimits.Limit)
        .Flag("drop-last", "Drop the last partial batch of each epoch (Keras keeps it)")
        .Choice("noise", "normal", "Noise distribution: normal(0,1) or uniform in [-1,1]", [.. TrainConfig.NoiseKinds])
        .Float("lr-g", 1e-4, "Generator Adam learning rate", TrainLimits.LearningRate)
        .Float("lr-d", 1e-4, "Discriminator Adam learning rate", TrainLimits.LearningRate)
        .Float("beta1", 0.9, "Adam beta1 (momentum)", TrainLimits.Beta1)
        .Float("beta2", 0.999, "Adam beta2", TrainLimits.Beta2)
        .Float("g-ema", 0, $"Draw grids and samples from a moving average of G's weights with this decay (0: off, as the tutorial; {TrainConfig.ConditionalGeneratorEma} with --conditional)", TrainLimits.GeneratorEma)
        .Int("checkpoint-every", 15, "Write a checkpoint every N epochs (and at the end)", TrainLimits.CheckpointEvery)
        .Float("class-weight", TrainConfig.ConditionalClassWeight, "Conditional: weight of the class loss in the generator's loss (AC-GAN's paper uses 1)", TrainLimits.ClassWeight)
        .Int("eval-every", 0, "Measure quality (FID, class coverage) every N epochs and at the end (0: never)", TrainLimits.EvalEvery)
        .Int("samples", 16, "Fixed noise vectors drawn in each epoch's grid", TrainLimits.Samples)
        .Int("seed", 42, "Random seed (weights, shuffling, noise, dropout)", TrainLimits.Seed)
        .Int("threads", 0, "Worker threads (0: all cores)", TrainLimits.Threads)
        .Text("out", null, "Run folder [default: runs/<dataset>-<timestamp>]")
        .Flag("resume", "Continue the run in --out from its latest checkpoint")
        .Flag("serve", "Serve a live dashboard of this run on 127.0.0.1 while it trains")
        .Int("serve-port", 5000, "Port for --serve (0: any free port)", 0, 65535)
        .Flag("fallback-checkpoint", "With --resume: if the latest checkpoint is damaged, use the newest good one"));

    public static int Run(OptionSet o, TextWriter stdout, CancellationToken host = default)
    {
        var given = FromFlags(o);
        bool resume = o.GetFlag("resume");
        string? outDir = o.GetText("out");
        if (resume && outDir is null)
        {
            throw new UserError("--resume needs --out RUN_DIR (the run to continue)");
        }
        if (given.Problem() is { } problem)
        {
            throw new UserError(problem);
        }
        if (!resume && o.GetFlag("fallback-checkpoint"))
        {
            throw new UserError("--fallback-checkpoint only applies with --resume");
        }
        if (!resume)
        {
            CheckConditionalFlags(o, given);
        }
        outDir ??= Path.Combine("runs", $"{given.Dataset}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        var run = new RunFolder(outDir);
        if (File.Exists(run.Root))
        {
            throw new UserError($"--out {outDir} is a file, not a folder");
        }
        RunLock.ThrowIfInUse(run.Root);
        TrainConfig config = given;
        string? checkpoint = null;
        if (resume)
        {
            (config, checkpoint) = PrepareResume(run, given, o, o.GetFlag("fallback-checkpoint"), stdout);
            CheckConditionalFlags(o, config);
        }
        else if (run.HoldsFiles)
        {
            throw new UserError($"--out {outDir} already holds files; use --resume to continue it, or choose another folder");
        }

        var data = LoadData(config, stdout);
        if (config.Limit > 0 && config.Limit < Math.Min(config.BatchSize, data.Count) && config.DropLast)
        {
            throw new UserError($"--limit {config.Limit} with --drop-last leaves no full batch of {config.BatchSize}");
        }
        stdout.WriteLine($"Training on {data.Name} ({Math.Min(data.Count, config.Limit > 0 ? config.Limit : data.Count):N0} images) for {config.Epochs} epochs, batch {config.BatchSize}; run folder {run.Root}");

        using var stop = new StopSignals(host);
        using var dashboard = o.GetFlag("serve") ? StartDashboard(run, o.GetInt("serve-port"), stdout) : null;
        var trainer = new Trainer(config, data, run, new ConsoleProgress(stdout), Quality.EpochQualityProbe.For(config, run, stdout));
        var outcome = trainer.Run(stop.Token, checkpoint);
        if (outcome == TrainOutcome.Interrupted)
        {
            return 130;
        }
        stdout.WriteLine($"Done. Samples, plots and report.html are in {run.Root}");
        return 0;
    }

    /// <summary>The conditional settings given for a run that cannot use them are mistakes, not silent no-ops.</summary>
    private static void CheckConditionalFlags(OptionSet o, TrainConfig config)
    {
        ModelFlags.RejectUnlessConditional(o, config.Conditional, "cond-scheme", "class-weight");
        if (config.Conditional && o.Has("class-weight") && TrainConfig.SchemeOf(config.CondScheme).Scheme == Models.ConditionalScheme.Projection)
        {
            throw new UserError($"--class-weight has no effect with --cond-scheme {config.CondScheme}, which has no class loss (acgan and projection-ac have one)");
        }
    }

    /// <summary>The dashboard over this one run folder; it stops when training ends.</summary>
    private static IDisposable StartDashboard(RunFolder run, int port, TextWriter stdout)
    {
        Directory.CreateDirectory(run.Root);
        try
        {
            var dashboard = Dashboard.DashboardServer.Start(new Dashboard.DashboardOptions { RunsDir = run.Root, Port = port });
            stdout.WriteLine($"Dashboard at {dashboard.Address} (stops when training ends)");
            return dashboard;
        }
        catch (IOException e)
        {
            throw new UserError($"cannot serve the dashboard on port {port}: {e.Message.ReplaceLineEndings(" ")} (try another --serve-port, or 0)");
        }
    }

    private static (TrainConfig Config, string? Checkpoint) PrepareResume(RunFolder run, TrainConfig given, OptionSet o, bool fallback, TextWriter stdout)
    {
        if (!Directory.Exists(run.Root))
        {
            throw new UserError($"nothing to resume: {run.Root} does not exist");
        }
        if (!run.IsRun)
        {
            throw new UserError($"nothing to resume: {run.Root} is not a run folder (no config.json)");
        }
        TrainConfig saved;
        string? checkpoint = null;
        var checkpoints = run.Checkpoints();
        if (checkpoints.Count == 0)
        {
            try
            {
                saved = TrainConfig.FromJson(File.ReadAllText(run.ConfigPath));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
            {
                throw new UserError($"{run.ConfigPath} is not a valid run configuration ({e.Message.ReplaceLineEndings(" ")})");
            }
            stdout.WriteLine("No checkpoint yet: starting the run over with its saved settings.");
        }
        else
        {
            saved = default!;
            for (int i = checkpoints.Count - 1; i >= 0; i--)
            {
                try
                {
                    (saved, _) = Checkpoint.ReadHeader(checkpoints[i].Path);
                    checkpoint = checkpoints[i].Path;
                    break;
                }
                catch (CheckpointException e) when (fallback && i > 0)
                {
                    stdout.WriteLine($"Skipping damaged checkpoint: {e.Message}");
                }
            }
        }
        var changed = saved.Differences(given)
            .Where(name => o.Has(name) && !TrainConfig.ResumableChanges.Contains(name))
            .ToList();
        if (changed.Count > 0)
        {
            throw new UserError($"cannot resume {run.Root} with changed settings: {string.Join(", ", changed.Select(n => "--" + n))} (the run was started with other values)");
        }
        var config = saved with
        {
            Epochs = o.Has("epochs") ? given.Epochs : saved.Epochs,
            Threads = o.Has("threads") ? given.Threads : saved.Threads,
            CheckpointEvery = o.Has("checkpoint-every") ? given.CheckpointEvery : saved.CheckpointEvery,
            EvalEvery = o.Has("eval-every") ? given.EvalEvery : saved.EvalEvery,
            DataDir = o.Has("data-dir") ? given.DataDir : saved.DataDir,
            Version = Program.Version,
        };
        return (config, checkpoint);
    }

    private static TrainConfig FromFlags(OptionSet o) => new()
    {
        Dataset = o.GetText("dataset")!,
        DataDir = o.GetText("data-dir") is { } dir ? Path.GetFullPath(dir) : null,
        Epochs = o.GetInt("epochs"),
        BatchSize = o.GetInt("batch-size"),
        Limit = o.GetInt("limit"),
        DropLast = o.GetFlag("drop-last"),
        NoiseDim = o.GetInt("noise-dim"),
        Noise = o.GetText("noise")!,
        LearningRateG = o.GetFloat("lr-g"),
        LearningRateD = o.GetFloat("lr-d"),
        Beta1 = o.GetFloat("beta1"),
        Beta2 = o.GetFloat("beta2"),
        GeneratorActivation = o.GetText("g-activation")!,
        DiscriminatorOutput = o.GetText("d-output")!,
        BatchNormVariance = o.GetText("bn-variance")!,
        Conditional = o.GetFlag("conditional"),
        ClassLossWeight = o.GetFloat("class-weight"),
        CondScheme = o.GetText("cond-scheme")!,
        ConvAlgorithm = o.GetText("conv-algorithm")!,
        GeneratorEma = o.Has("g-ema") ? o.GetFloat("g-ema") : o.GetFlag("conditional") ? TrainConfig.ConditionalGeneratorEma : 0,
        EvalEvery = o.GetInt("eval-every"),
        CheckpointEvery = o.GetInt("checkpoint-every"),
        Samples = o.GetInt("samples"),
        Seed = o.GetInt("seed"),
        Threads = o.GetInt("threads"),
        Version = Program.Version,
    };

    /// <summary>The training split of the configured data set, found or fetched.</summary>
    public static ImageDataset LoadData(TrainConfig config, TextWriter log)
    {
        if (config.Dataset == "synthetic")
        {
            return SyntheticDataset.Create(config.Limit > 0 ? config.Limit : 512, (ulong)config.Seed);
        }
        if (config.DataDir is { } dir && !Directory.Exists(dir) && !File.Exists(dir))
        {
            throw new UserError($"--data-dir {dir} does not exist");
        }
        var resolver = new DatasetResolver(DataLocations.FromEnvironment(config.DataDir));
        return resolver.Load(config.Dataset, DataSplit.Train, log);
    }
}
