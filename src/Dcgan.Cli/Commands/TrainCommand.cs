// `dcgan train`: flags -> TrainConfig -> data -> Trainer, with resume, Ctrl-C and progress output.
namespace Dcgan.Cli.Commands;

using System.Globalization;
using Dcgan.Data;
using Dcgan.Training;

/// <summary>Trains a DCGAN into a run folder.</summary>
public static class TrainCommand
{
    public static OptionSet Options() => ModelFlags.Add(new OptionSet("dcgan train [options]",
        "Train a DCGAN and write a run folder: config.json, metrics.jsonl, samples/, progress.gif, plots (losses, d_hist,\n" +
        "d_accuracy, epoch_times, and the quality figures with --eval-every; each as .png and .svg), report.html,\n" +
        "checkpoints/. MNIST and Fashion-MNIST train the TensorFlow tutorial's models with its recipe; an image folder\n" +
        "(--dataset folder --data-dir DIR) or the emoji set trains the DCGAN paper's models (--arch dcgan) with the\n" +
        "paper's recipe (Adam 2e-4, beta1 0.5, batch 128). Any flag below overrides the recipe's value.")
        .Choice("dataset", "mnist", "Data set: folder is --data-dir's images (subfolders are classes); emoji the built-in colour set; synthetic a tiny generated set for smoke tests", [.. TrainingData.Datasets])
        .Text("data-dir", null, "mnist/fashion-mnist: folder with the four IDX files or a Keras .npz; folder: the folder of images")
        .Choice("background", "white", "Image folders: what transparent pixels become", [.. TrainConfig.Backgrounds])
        .Int("epochs", 50, "Epochs to train", TrainLimits.Epochs)
        .Int("batch-size", 256, "Images per step [default: 256, or 128 with --arch dcgan or --recipe fast]", TrainLimits.BatchSize)
        .Int("limit", 0, "Train on the first N images only (0: all)", TrainLimits.Limit)
        .Flag("drop-last", "Drop the last partial batch of each epoch (Keras keeps it)")
        .Choice("recipe", TrainConfig.DefaultRecipe, "Training recipe for the settings no flag gives: tutorial (the models' own: the TensorFlow tutorial's, or the DCGAN paper's with --arch dcgan) or fast (the paper's Adam and batch, and samples from G's moving average; docs/quality.md)", [.. TrainConfig.Recipes])
        .Choice("noise", "normal", "Noise distribution: normal(0,1) or uniform in [-1,1]", [.. TrainConfig.NoiseKinds])
        .Float("lr-g", 1e-4, "Generator Adam learning rate [default: 1e-4, or 2e-4 with --arch dcgan or --recipe fast]", TrainLimits.LearningRate)
        .Float("lr-d", 1e-4, "Discriminator Adam learning rate [default: 1e-4, or 2e-4 with --arch dcgan or --recipe fast]", TrainLimits.LearningRate)
        .Float("beta1", 0.9, "Adam beta1 (momentum) [default: 0.9, or 0.5 with --arch dcgan or --recipe fast]", TrainLimits.Beta1)
        .Float("beta2", 0.999, "Adam beta2", TrainLimits.Beta2)
        .Float("g-ema", 0, $"Draw grids and samples from a moving average of G's weights with this decay (0: off, as the tutorial; {TrainConfig.FastGeneratorEma} with --recipe fast, else {TrainConfig.ConditionalGeneratorEma} with --conditional)", TrainLimits.GeneratorEma)
        .Float("label-smoothing", 0, "One-sided label smoothing: the discriminator's target for real images is 1 - X (Salimans et al. 2016; 0: none, as the tutorial)", TrainLimits.LabelSmoothing)
        .Int("checkpoint-every", 15, "Write a checkpoint every N epochs (and at the end)", TrainLimits.CheckpointEvery)
        .Float("class-weight", TrainConfig.ConditionalClassWeight, "Conditional: weight of the class loss in the generator's loss (AC-GAN's paper uses 1)", TrainLimits.ClassWeight)
        .Int("eval-every", 0, "Measure quality (FID, class coverage) every N epochs and at the end (0: never)", TrainLimits.EvalEvery)
        .Int("samples", 16, "Fixed noise vectors drawn in each epoch's grid", TrainLimits.Samples)
        .Int("seed", 42, "Random seed (weights, shuffling, noise, dropout)", TrainLimits.Seed)
        .Threads()
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
        // Every value within train's limits (as a saved config is checked); an image folder's channels (0 here) are
        // decided by its images later, so any count the models take stands in for them.
        if ((given.Channels == 0 ? given with { Channels = 3 } : given).Problem() is { } problem)
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
        // Before the data are loaded: nothing is created for a run that could not write its files.
        if (OutputFolder.Problem(run.Root) is { } unwritable)
        {
            throw new UserError($"cannot write the run folder {outDir}: {unwritable}");
        }
        RunLock.ThrowIfInUse(run.Root);
        TrainConfig config = given;
        string? checkpoint = null;
        if (resume)
        {
            (config, checkpoint, int done) = PrepareResume(run, given, o, o.GetFlag("fallback-checkpoint"), stdout);
            CheckConditionalFlags(o, config);
            if (done >= config.Epochs && (done > config.Epochs || IsFinished(run, done)))
            {
                stdout.WriteLine(o.Has("epochs")
                    ? $"Nothing trained: run {run.Root} has already trained {done} epochs; --epochs {config.Epochs} trains nothing more (give more epochs to continue it)"
                    : $"Nothing trained: run {run.Root} has already trained its {done} epochs; give --epochs N above {done} to continue it");
                return 0;
            }
        }
        else if (run.HoldsFiles)
        {
            throw new UserError($"--out {outDir} already holds files; use --resume to continue it, or choose another folder");
        }

        var data = LoadData(config, stdout);
        config = config.WithData(data);
        if (config.Conditional && data.Classes < 2)
        {
            throw new UserError($"--conditional needs classes, and {data.Source} has none (put each class's images in a subfolder of its own)");
        }
        int images = config.Limit > 0 ? Math.Min(config.Limit, data.Count) : data.Count;
        if (TrainingData.IsImageFolder(config.Dataset) && images < config.BatchSize)
        {
            throw new UserError($"{data.Source}: {images:N0} usable images, fewer than one batch of {config.BatchSize}; add images or lower --batch-size");
        }
        if (config.Limit > 0 && config.Limit < Math.Min(config.BatchSize, data.Count) && config.DropLast)
        {
            throw new UserError($"--limit {config.Limit} with --drop-last leaves no full batch of {config.BatchSize}");
        }
        stdout.WriteLine($"Training the {config.Architecture} models on {data.Name} ({images:N0} images of {data.Height}x{data.Width}x{data.Channels}) for {config.Epochs} epochs, batch {config.BatchSize}; run folder {run.Root}");

        using var stop = new StopSignals(host);
        using var dashboard = o.GetFlag("serve") ? StartDashboard(run, o.GetInt("serve-port"), stdout) : null;
        var trainer = new Trainer(config, data, run, new ConsoleProgress(stdout), Quality.EpochQualityProbe.For(config, run, stdout, data));
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

    /// <summary>
    /// Whether the run's status.json says it finished after <paramref name="epochs"/> epochs. A run killed after its last
    /// checkpoint but before its last files (metrics line, GIF, report) is not finished: resuming it writes them.
    /// </summary>
    private static bool IsFinished(RunFolder run, int epochs)
    {
        try
        {
            var status = RunStatus.Read(run.StatusPath);
            return status.State == RunState.Finished && status.EpochsDone == epochs;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>
    /// The run's settings with the resumable ones given now, its latest checkpoint (null: none yet) and the epochs that
    /// checkpoint completed. Reads only; refuses changed settings, naming each with its old and new value.
    /// </summary>
    private static (TrainConfig Config, string? Checkpoint, int EpochsDone) PrepareResume(RunFolder run, TrainConfig given, OptionSet o, bool fallback, TextWriter stdout)
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
        int done = 0;
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
                    (saved, var state) = Checkpoint.ReadHeader(checkpoints[i].Path);
                    done = state.CompletedEpochs;
                    checkpoint = checkpoints[i].Path;
                    break;
                }
                catch (CheckpointException e) when (fallback && i > 0)
                {
                    stdout.WriteLine($"Skipping damaged checkpoint: {e.Message}");
                }
            }
        }
        var changed = given.DifferencesFromRun(saved)
            .Where(name => o.Has(name) && !TrainConfig.ResumableChanges.Contains(name))
            .ToList();
        if (changed.Count > 0)
        {
            throw new UserError($"cannot resume {run.Root} with changed settings: " +
                string.Join(", ", changed.Select(n => $"--{n} {saved.ValueText(n)} -> {given.ValueText(n)}")) +
                $" (the run was started with the first values; only {string.Join(", ", TrainConfig.ResumableChanges.Select(n => "--" + n))} may change)");
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
        return (config, checkpoint, done);
    }

    /// <summary>The flags as a config; what they do not say comes from <see cref="TrainConfig.WithDefaultsFor"/>.</summary>
    private static TrainConfig FromFlags(OptionSet o)
    {
        string dataset = o.GetText("dataset")!;
        if (!TrainingData.IsImageFolder(dataset))
        {
            foreach (string flag in new[] { "image-size", "channels", "background" })
            {
                if (o.Has(flag))
                {
                    throw new UserError($"--{flag} applies to image folders and the emoji set; {dataset} images are 28x28 grayscale");
                }
            }
            if (o.GetText("arch") == "dcgan")
            {
                throw new UserError($"--arch dcgan trains on image folders and the emoji set; {dataset} images are 28x28, which only --arch tutorial takes");
            }
        }
        var config = new TrainConfig
        {
            Dataset = dataset,
            Recipe = o.GetText("recipe")!,
            DataDir = o.GetText("data-dir") is { } dir ? Path.GetFullPath(dir) : null,
            Architecture = o.GetText("arch")!,
            ImageSize = o.GetIntOrNull("image-size") ?? 0,
            Channels = o.GetInt("channels"),
            Background = o.GetText("background")!,
            GeneratorWidth = o.GetInt("g-width"),
            DiscriminatorWidth = o.GetInt("d-width"),
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
            GeneratorEma = o.GetFloat("g-ema"),
            LabelSmoothing = o.GetFloat("label-smoothing"),
            EvalEvery = o.GetInt("eval-every"),
            CheckpointEvery = o.GetInt("checkpoint-every"),
            Samples = o.GetInt("samples"),
            Seed = o.GetInt("seed"),
            Threads = o.GetInt("threads"),
            Version = Program.Version,
        }.WithDefaultsFor(o.Has);
        // The models' own checks (sizes and flags per architecture), before any data is read; an image folder's channels
        // are not known yet, and either count fits every architecture.
        ModelFlags.Check(o, config.ModelOptions() with { Channels = config.Channels == 0 ? 3 : config.Channels });
        return config;
    }

    /// <summary>The training split of the configured data set, found, fetched or decoded.</summary>
    public static ImageDataset LoadData(TrainConfig config, TextWriter log) => TrainingData.Load(config, log);
}
