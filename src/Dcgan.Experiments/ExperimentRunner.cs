// Runs an experiment's variants one after another, in-process, each into DIR/<variant>/ as a normal run folder;
// measures their quality, then writes DIR/report.md and DIR/report.html. Rerunning resumes: finished variants
// (done.json) are kept, a partial one continues from its latest checkpoint.
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
    /// <remarks>Throws <see cref="RunInUseException"/> when another process runs the same experiment folder; each variant's trainer
    /// also holds its own run folder's lock.</remarks>
    public ExperimentOutcome Run(CancellationToken stop)
    {
        // One experiment process per folder: it deletes and rewrites variant folders and the reports.
        using var writer = RunLock.Acquire(_root);
        var results = new Dictionary<string, VariantResult>();
        foreach (var v in _plan.Variants)
        {
            if (LoadFinished(v) is { } done)
            {
                _log.WriteLine($"[{v.Name}] already finished; kept");
                results[v.Name] = done;
                continue;
            }
            if (stop.IsCancellationRequested)
            {
                break;
            }
            var result = RunVariant(v, stop);
            if (result is null)
            {
                Report(results);
                return ExperimentOutcome.Interrupted;
            }
            results[v.Name] = result;
            Report(results);
        }
        Report(results);
        return results.Count == _plan.Variants.Count ? ExperimentOutcome.Completed : ExperimentOutcome.Interrupted;
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
        var changed = existing.Differences(v.Config).Where(n => n is not ("threads" or "version" or "data-dir")).ToList();
        if (changed.Count > 0)
        {
            throw new ExperimentFileException($"{VariantDir(v)} was run with other settings ({string.Join(", ", changed.Select(c => "--" + c))}); delete it or choose another --out");
        }
    }

    private VariantResult? RunVariant(PlannedVariant v, CancellationToken stop)
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
        var evaluator = QualityEvaluator.ForDataset(v.Config.Dataset, _log, _locations);
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
        var metrics = ReadMetrics(run);
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

    internal static List<EpochMetrics> ReadMetrics(RunFolder run)
    {
        if (!File.Exists(run.MetricsPath))
        {
            return [];
        }
        return File.ReadAllLines(run.MetricsPath).Where(l => !string.IsNullOrWhiteSpace(l)).Select(EpochMetrics.FromJsonLine).ToList();
    }

    private ImageDataset LoadData(TrainConfig config)
    {
        if (config.Dataset == "synthetic")
        {
            return SyntheticDataset.Create(config.Limit > 0 ? config.Limit : 512, (ulong)config.Seed);
        }
        if (!_data.TryGetValue(config.Dataset, out var data))
        {
            var locations = config.DataDir is null ? _locations : new DataLocations { DataDir = config.DataDir, CacheRoot = _locations.CacheRoot, KnownRoots = _locations.KnownRoots };
            data = new DatasetResolver(locations).Load(config.Dataset, DataSplit.Train, _log);
            _data[config.Dataset] = data;
        }
        return data;
    }

    private void Report(IReadOnlyDictionary<string, VariantResult> results) =>
        ExperimentReport.Write(_plan, results, _root);
}
