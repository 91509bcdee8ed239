// Runs an experiment's variants one after another, in-process, each into DIR/<variant>/ as a normal run folder;
// measures their quality, then writes DIR/report.md and DIR/report.html. Rerunning resumes: finished variants
// (done.json) are kept, a partial one continues from its latest checkpoint. A Slurm array task runs one variant
// through the same RunVariant, and `experiment --report` rebuilds the reports from the folders with the same Report.
namespace Dcgan.Experiments;

using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Quality;
using Dcgan.Training;

/// <summary>How an experiment run ended.</summary>
public enum ExperimentOutcome
{
    Completed,

    /// <summary>Stopped on request; the running variant wrote a checkpoint. Run again to resume.</summary>
    Interrupted,
}

/// <summary>Trains, evaluates and reports every variant of a plan.</summary>
public sealed class ExperimentRunner
{
    private readonly ExperimentPlan _plan;
    private readonly string _root;
    private readonly DataLocations _locations;
    private readonly TextWriter _log;
    private readonly Dictionary<string, ImageDataset> _data = [];

    public ExperimentRunner(ExperimentPlan plan, string outDir, DataLocations locations, TextWriter log)
    {
        _plan = plan;
        _root = Path.GetFullPath(outDir);
        _locations = locations;
        _log = log;
    }

    public string Root => _root;

    public string VariantDir(PlannedVariant v) => Path.Combine(_root, v.Name);

    /// <summary>Runs what is not finished yet; <paramref name="stop"/> interrupts the running variant at a checkpoint.</summary>
    /// <remarks>Each variant is claimed while it runs (another process running it is an error), and its trainer holds its
    /// run folder's lock; different variants of one experiment may run in different processes (Slurm array tasks).</remarks>
    public ExperimentOutcome Run(CancellationToken stop)
    {
        Directory.CreateDirectory(_root);
        foreach (var v in _plan.Variants)
        {
            if (stop.IsCancellationRequested || RunVariant(v, stop) == ExperimentOutcome.Interrupted)
            {
                break;
            }
        }
        return Report().All(s => s.Finished) ? ExperimentOutcome.Completed : ExperimentOutcome.Interrupted;
    }

    /// <summary>
    /// Trains and measures one variant unless it has finished, then rewrites the reports: what <see cref="Run"/> does for
    /// each variant, and all a Slurm array task does. Another process running the same variant is an error.
    /// </summary>
    public ExperimentOutcome RunVariant(PlannedVariant v, CancellationToken stop)
    {
        Directory.CreateDirectory(_root);
        ExperimentOutcome outcome;
        using (var claim = ExperimentLock.TryTake(_root, "variant-" + v.Name, TimeSpan.FromSeconds(30))
            ?? throw new ExperimentFileException($"variant {v.Name} is being run by another process ({Path.Combine(_root, ExperimentLock.Folder)} holds its lock)"))
        {
            if (LoadFinished(v) is not null)
            {
                _log.WriteLine($"[{v.Name}] already finished; kept");
                return ExperimentOutcome.Completed;
            }
            outcome = Train(v, stop) is null ? ExperimentOutcome.Interrupted : ExperimentOutcome.Completed;
        }
        Report();
        return outcome;
    }

    /// <summary>Every variant's state, read from its folder (nothing is changed).</summary>
    public IReadOnlyList<VariantState> States() => _plan.Variants.Select(State).ToList();

    /// <summary>One variant's state: finished with its result, unfinished with its newest checkpoint, or not run yet.</summary>
    public VariantState State(PlannedVariant v)
    {
        var run = new RunFolder(VariantDir(v));
        bool started = Directory.Exists(run.Root) && Directory.EnumerateFileSystemEntries(run.Root).Any();
        string? problem = null;
        string done = Path.Combine(run.Root, VariantResult.FileName);
        if (File.Exists(done))
        {
            try
            {
                var result = VariantResult.FromJson(File.ReadAllText(done));
                CheckSameSettings(v, result.Config);
                return new VariantState { Variant = v, Result = result, Started = true };
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
            {
                problem = $"{VariantResult.FileName} is unreadable";
            }
        }
        (int, int)? newest = null;
        var checkpoints = run.Checkpoints();
        if (checkpoints.Count > 0)
        {
            try
            {
                var (saved, state) = Checkpoint.ReadHeader(checkpoints[^1].Path);
                CheckSameSettings(v, saved);
                newest = (state.CompletedEpochs, state.StepInEpoch);
            }
            catch (CheckpointException e)
            {
                problem ??= $"its newest checkpoint is unreadable ({e.Message.ReplaceLineEndings(" ")})";
            }
        }
        return new VariantState { Variant = v, Started = started, Checkpoint = newest, Problem = problem };
    }

    /// <summary>
    /// Rewrites report.md and report.html from the folders as they are now (finished variants, the others as unfinished or
    /// not run yet) and returns the states reported. <paramref name="states"/> replaces the folders' own (to add what the
    /// launcher knows about each task). Writers take turns, so the last report counts every variant finished before it.
    /// </summary>
    public IReadOnlyList<VariantState> Report(Func<IReadOnlyList<VariantState>, IReadOnlyList<VariantState>>? annotate = null)
    {
        Directory.CreateDirectory(_root);
        using var turn = ExperimentLock.TryTake(_root, "report", TimeSpan.FromMinutes(2))
            ?? throw new IOException($"cannot write the reports in {_root}: another process has held {Path.Combine(_root, ExperimentLock.Folder, "report.lock")} for two minutes");
        var states = States();
        if (annotate is not null)
        {
            states = annotate(states);
        }
        ExperimentReport.Write(_plan, states, _root);
        return states;
    }

    private VariantResult? LoadFinished(PlannedVariant v)
    {
        string path = Path.Combine(VariantDir(v), VariantResult.FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        VariantResult result;
        try
        {
            result = VariantResult.FromJson(File.ReadAllText(path));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            _log.WriteLine($"[{v.Name}] {path} is unreadable; finishing the variant again");
            File.Delete(path);
            return null;
        }
        CheckSameSettings(v, result.Config);
        return result;
    }

    // A variant folder from another version of the file (or another --quick) must not be mixed into this report.
    private void CheckSameSettings(PlannedVariant v, TrainConfig existing)
    {
        var changed = v.Config.DifferencesFromRun(existing).Where(n => n is not ("threads" or "version" or "data-dir")).ToList();
        if (changed.Count > 0)
        {
            throw new ExperimentFileException($"{VariantDir(v)} was run with other settings ({string.Join(", ", changed.Select(c => "--" + c))}); delete it or choose another --out");
        }
    }

    private VariantResult? Train(PlannedVariant v, CancellationToken stop)
    {
        var run = new RunFolder(VariantDir(v));
        string? resumeFrom = null;
        var checkpoints = run.Checkpoints();
        if (checkpoints.Count > 0)
        {
            resumeFrom = checkpoints[^1].Path;
            var (saved, _) = Checkpoint.ReadHeader(resumeFrom);
            CheckSameSettings(v, saved);
        }
        else if (Directory.Exists(run.Root) && Directory.EnumerateFileSystemEntries(run.Root).Any())
        {
            // Killed before its first checkpoint: nothing worth keeping, and a run folder must start empty.
            _log.WriteLine($"[{v.Name}] no checkpoint in {run.Root}; starting the variant over");
            Directory.Delete(run.Root, recursive: true);
        }
        _log.WriteLine($"[{v.Name}] {v.Variant.Changes}: {v.Config.Epochs} epochs" + (resumeFrom is null ? "" : $", resuming from {Path.GetFileName(resumeFrom)}"));

        var data = LoadData(v.Config);
        v = v with { Config = v.Config.WithData(data) };
        var evaluator = QualityEvaluator.For(v.Config, _log, _locations, data);
        Trainer? trainer = null;
        var progress = new ExperimentProgress(v, run, () => trainer?.Gan, evaluator, _plan.EvalCount, _log);
        trainer = new Trainer(v.Config, data, run, progress);
        string status = "done";
        try
        {
            if (trainer.Run(stop, resumeFrom) == TrainOutcome.Interrupted)
            {
                return null;
            }
        }
        catch (TrainingDivergedException e)
        {
            status = "diverged: " + e.Message.ReplaceLineEndings(" ");
            _log.WriteLine($"[{v.Name}] {status}");
        }

        if (status == "done" && trainer.Gan is { } gan && !QualityLog.Read(run).Any(q => q.Epoch == v.Config.Epochs))
        {
            // A run that had finished training before it was interrupted still needs its final evaluation.
            QualityLog.Append(run, evaluator.Evaluate(gan, v.Config, _plan.EvalCount, 0, v.Config.Epochs));
        }
        var result = new VariantResult { Name = v.Name, Status = status, Config = v.Config, Rows = Rows(v, run) };
        AtomicFile.WriteAllText(Path.Combine(run.Root, VariantResult.FileName), result.ToJson() + "\n");
        return result;
    }

    /// <summary>The report rows of a variant from its metrics.jsonl and quality.jsonl.</summary>
    internal static List<ResultRow> Rows(PlannedVariant v, RunFolder run)
    {
        var metrics = EpochMetrics.Read(run);
        var quality = QualityLog.Read(run).Where(q => q.Epoch is not null).ToDictionary(q => q.Epoch!.Value);
        var rows = new List<ResultRow>();
        foreach (int epoch in v.ReportEpochs)
        {
            var upTo = metrics.Where(m => m.Epoch <= epoch).ToList();
            var at = upTo.LastOrDefault(m => m.Epoch == epoch);
            if (at is null)
            {
                continue;
            }
            double seconds = upTo.Sum(m => m.Seconds);
            double images = upTo.Sum(m => m.ImagesPerSecond * m.Seconds);
            quality.TryGetValue(epoch, out var q);
            rows.Add(new ResultRow
            {
                Epoch = epoch,
                Seconds = seconds,
                ImagesPerSecond = seconds > 0 ? images / seconds : 0,
                GeneratorLoss = at.GeneratorLoss,
                DiscriminatorLoss = at.DiscriminatorLoss,
                DiscriminatorAccuracy = (at.RealAccuracy + at.FakeAccuracy) / 2,
                Fid = q?.Fid,
                InceptionScore = q?.InceptionScore,
                MinClassShare = q?.MinClassShare,
                ClassesCovered = q?.ClassesCovered,
                MeanConfidence = q?.MeanConfidence,
                Grid = File.Exists(run.SamplePath(epoch)) ? run.SamplePath(epoch) : null,
            });
        }
        return rows;
    }

    private ImageDataset LoadData(TrainConfig config)
    {
        if (config.Dataset == "synthetic")
        {
            return TrainingData.Load(config, _log);
        }
        // Variants share their data set: decode or read it once per distinct source and decoding.
        string key = $"{config.Dataset}|{config.DataDir}|{config.ImageSize}|{config.Channels}|{config.Background}";
        if (!_data.TryGetValue(key, out var data))
        {
            var locations = config.DataDir is null ? _locations : new DataLocations { DataDir = config.DataDir, CacheRoot = _locations.CacheRoot, KnownRoots = _locations.KnownRoots };
            data = TrainingData.Load(config, _log, locations);
            _data[key] = data;
        }
        return data;
    }
}
