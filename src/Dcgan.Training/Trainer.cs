// The whole training run, in execution order: build or restore, then for each epoch every batch through
// the joint train step, the epoch's grid, metrics, plots and (every N epochs) a checkpoint.
// Reference: the TensorFlow DCGAN tutorial's train() loop.
namespace Dcgan.Training;

using System.Diagnostics;
using Dcgan.Engine;
using Dcgan.Data;
using Dcgan.Imaging;
using Dcgan.Models;
using Dcgan.Kernels;

/// <summary>How a run ended.</summary>
public enum TrainOutcome
{
    Completed,

    /// <summary>Stopped on request after a checkpoint; resume with --resume.</summary>
    Interrupted,
}

/// <summary>Trains a DCGAN on a data set into a run folder, resumably.</summary>
public sealed class Trainer
{
    private readonly TrainConfig _config;
    private readonly ImageDataset _data;
    private readonly RunFolder _run;
    private readonly ITrainingObserver _observer;
    private readonly IEpochEvaluator? _evaluator;

    /// <param name="evaluator">Measures quality every <see cref="TrainConfig.EvalEvery"/> epochs; required when that is set.</param>
    public Trainer(TrainConfig config, ImageDataset data, RunFolder run, ITrainingObserver observer, IEpochEvaluator? evaluator = null)
    {
        if (config.EvalEvery > 0 && evaluator is null)
        {
            throw new ArgumentException("--eval-every needs a quality evaluator");
        }
        if (data.Height != config.ImageSize || data.Width != config.ImageSize || data.Channels != config.Channels)
        {
            throw new ArgumentException($"the data are {data.Height}x{data.Width}x{data.Channels} images, the run is set up for {config.ImageSize}x{config.ImageSize}x{config.Channels}");
        }
        _config = config;
        _data = data;
        _run = run;
        _observer = observer;
        _evaluator = evaluator;
    }

    /// <summary>The models after <see cref="Run"/> (for tests and the CLI).</summary>
    public GanPair? Gan { get; private set; }

    /// <summary>
    /// Runs from scratch, or from <paramref name="resumeFrom"/> (a checkpoint path of this run).
    /// <paramref name="stop"/> is checked after every step: when set, a checkpoint is written and the run returns.
    /// Throws <see cref="RunInUseException"/>, having read and written nothing, when another process writes the run.
    /// </summary>
    public TrainOutcome Run(CancellationToken stop, string? resumeFrom = null)
    {
        // One writer per run folder, for the run's whole life: taken before the checkpoint is read or a file written.
        using var writer = RunLock.Acquire(_run.Root);
        RunArtifacts? artifacts = null;
        try
        {
            return RunCore(stop, resumeFrom, a => artifacts = a);
        }
        catch (Exception e) when (artifacts is not null)
        {
            TryWriteStatus(artifacts, RunState.Failed, e.Message);
            throw;
        }
    }

    // Epochs finished so far, for the status file when a run fails.
    private int _epochsDone;

    private void TryWriteStatus(RunArtifacts artifacts, RunState state, string message)
    {
        try
        {
            artifacts.WriteStatus(state, _epochsDone, message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure matters more than the status file.
        }
    }

    private TrainOutcome RunCore(CancellationToken stop, string? resumeFrom, Action<RunArtifacts> created)
    {
        var options = _config.ModelOptions();
        var gan = new GanPair(options, _config.LearningRateG, _config.LearningRateD, _config.Beta1, _config.Beta2);
        Gan = gan;
        ulong seed = (ulong)_config.Seed;
        TrainingState state;
        Rng shuffle;
        if (resumeFrom is null)
        {
            gan.Initialize(Rng.Derive(seed, "init"));
            state = TrainingState.Start(seed);
            shuffle = Rng.FromState(state.EpochShuffleState);
        }
        else
        {
            (_, state) = Checkpoint.Load(resumeFrom, gan);
            shuffle = Rng.FromState(state.EpochShuffleState);
            _observer.Message($"Resumed from {resumeFrom} at epoch {state.CompletedEpochs}" +
                (state.StepInEpoch > 0 ? $", step {state.StepInEpoch}" : ""));
        }
        var noiseRng = Rng.FromState(state.NoiseState);
        gan.Discriminator.Random = Rng.FromState(state.DropoutState);
        var feeder = new BatchFeeder(_data, _config.BatchSize, shuffle, _config.DropLast, _config.Limit);
        int stepsPerEpoch = feeder.StepsPerEpoch;
        if (state.StepInEpoch >= stepsPerEpoch)
        {
            throw new CheckpointException(resumeFrom!, $"stopped at step {state.StepInEpoch} of an epoch, but an epoch of this data has {stepsPerEpoch} steps (other data?)");
        }

        // config.json first: a folder killed before it exists is still empty enough to start over in. A resume writes it
        // again (atomically), so it always holds the settings the run now goes on with (more epochs, another thread count).
        var artifacts = new RunArtifacts(_run, _config);
        artifacts.WriteConfig();
        if (_data.Report is { } report)
        {
            AtomicFile.WriteAllText(_run.DataReportPath, report.ToJson() + "\n");
        }
        created(artifacts);
        RemoveStaleTemporaries();
        artifacts.RewriteMetrics(state.History);
        _epochsDone = state.CompletedEpochs;
        artifacts.WriteStatus(RunState.Training, state.CompletedEpochs);
        var (gridRows, gridCols, _) = _config.SampleGrid();
        var (fixedNoise, fixedLabels) = SampleInputs(_config);

        var step = new TrainStep(gan);
        var real = Tensor.ForBatch(_config.BatchSize, [_data.Height, _data.Width, _data.Channels]);
        var labels = new int[_config.BatchSize];
        var noise = Tensor.ForBatch(_config.BatchSize, [_config.NoiseDim]);
        var fakeLabels = new int[_config.BatchSize];

        for (int epoch = state.CompletedEpochs + 1; epoch <= _config.Epochs; epoch++)
        {
            if (state.StepInEpoch == 0)
            {
                state.EpochShuffleState = shuffle.GetState();
                state.Accumulator = new EpochAccumulator();
            }
            feeder.BeginEpoch();
            feeder.Skip(state.StepInEpoch);
            var clock = Stopwatch.StartNew();
            double secondsBefore = state.Accumulator.Seconds;
            while (feeder.TryNext(real.Buffer, labels, out int count))
            {
                real.SetBatch(count);
                // The noise batch is always a full batch, even for a short last data batch (as the tutorial).
                Noise.Fill(noiseRng, _config.NoiseKind, noise.Span);
                if (options.Conditional)
                {
                    // The generator is asked for uniformly drawn classes; the real batch brings its own labels.
                    for (int i = 0; i < fakeLabels.Length; i++)
                    {
                        fakeLabels[i] = noiseRng.NextInt(options.Classes);
                    }
                }
                var result = step.Run(real, noise, labels.AsSpan(0, count), fakeLabels);
                if (!float.IsFinite(result.GeneratorLoss) || !float.IsFinite(result.DiscriminatorLoss))
                {
                    throw new TrainingDivergedException(epoch, state.StepInEpoch + 1,
                        $"g_loss {result.GeneratorLoss}, d_loss {result.DiscriminatorLoss}");
                }
                state.StepInEpoch++;
                state.GlobalStep++;
                if (_config.GeneratorEma > 0)
                {
                    gan.UpdateGeneratorAverage(_config.GeneratorEma, state.GlobalStep);
                }
                state.Accumulator.Add(result, step.LastRealProbabilities, step.LastFakeProbabilities);
                state.Accumulator.Seconds = secondsBefore + clock.Elapsed.TotalSeconds;
                state.StepGeneratorLoss.Add(result.GeneratorLoss);
                state.StepDiscriminatorLoss.Add(result.DiscriminatorLoss);
                _observer.OnStep(epoch, state.StepInEpoch, stepsPerEpoch, result);
                if (stop.IsCancellationRequested && state.StepInEpoch < stepsPerEpoch)
                {
                    state.NoiseState = noiseRng.GetState();
                    state.DropoutState = gan.Discriminator.Random!.GetState();
                    SaveCheckpoint(state, gan);
                    artifacts.WriteStatus(RunState.Interrupted, state.CompletedEpochs);
                    _observer.Message($"Interrupted at epoch {epoch}, step {state.StepInEpoch}: checkpoint written; continue with --resume");
                    return TrainOutcome.Interrupted;
                }
            }

            // End of epoch: the checkpoint when one is due, then metrics, the fixed-noise grid in inference mode, plots.
            // The checkpoint goes first, so metrics.jsonl never gains an epoch whose checkpoint then failed to write.
            // A stop is read once here: one asked for during the epoch's files is taken at the next step, with its checkpoint.
            bool last = epoch == _config.Epochs;
            bool stopping = stop.IsCancellationRequested;
            var metrics = state.Accumulator.ToMetrics(epoch);
            if (_evaluator is not null && (epoch % _config.EvalEvery == 0 || last))
            {
                (metrics, string summary) = _evaluator.Evaluate(gan, metrics);
                _observer.Message($"Quality at epoch {epoch}: {summary}");
            }
            state.History.Add(metrics);
            state.LastRealHistogram = state.Accumulator.RealHistogram;
            state.LastFakeHistogram = state.Accumulator.FakeHistogram;
            state.CompletedEpochs = epoch;
            state.StepInEpoch = 0;
            state.EpochShuffleState = shuffle.GetState();
            state.NoiseState = noiseRng.GetState();
            state.DropoutState = gan.Discriminator.Random!.GetState();
            if (last || (_config.CheckpointEvery > 0 && epoch % _config.CheckpointEvery == 0) || stopping)
            {
                SaveCheckpoint(state, gan);
            }
            artifacts.AppendMetrics(metrics);
            var samples = gan.Generate(fixedNoise, fixedLabels);
            artifacts.WriteEpochGrid(epoch, samples.Span, samples.Batch, gridRows, gridCols, _data.Height, _data.Width, gan.Options.Channels);
            artifacts.WritePlots(state, _evaluator?.Charts(epoch));
            _observer.OnEpoch(metrics);
            _observer.Message($"Time for epoch {epoch} is {metrics.Seconds:0.###} sec");
            _epochsDone = epoch;
            artifacts.WriteStatus(RunState.Training, epoch);
            if (stopping && !last)
            {
                artifacts.WriteStatus(RunState.Interrupted, epoch);
                _observer.Message($"Interrupted after epoch {epoch}: checkpoint written; continue with --resume");
                return TrainOutcome.Interrupted;
            }
        }
        artifacts.WriteGif(state.CompletedEpochs);
        artifacts.WriteReport(state, _evaluator?.Charts(state.CompletedEpochs));
        artifacts.WriteStatus(RunState.Finished, state.CompletedEpochs);
        return TrainOutcome.Completed;
    }

    private void SaveCheckpoint(TrainingState state, GanPair gan)
    {
        // Never seal a diverged model: the last good checkpoint stays the newest.
        if (FiniteValues.FirstNonFinite(gan.Generator.Values) >= 0 || FiniteValues.FirstNonFinite(gan.Discriminator.Values) >= 0)
        {
            throw new TrainingDivergedException(state.CompletedEpochs, state.StepInEpoch, "a weight is NaN or infinite");
        }
        var existing = _run.Checkpoints();
        int index = existing.Count == 0 ? 1 : existing[^1].Index + 1;
        string path = _run.CheckpointPath(index);
        try
        {
            Directory.CreateDirectory(_run.CheckpointsDir);
            Checkpoint.Save(path, _config, state, gan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string previous = existing.Count == 0 ? "no earlier checkpoint exists" : $"the previous checkpoint {existing[^1].Path} is intact";
            // AtomicFile's message names the file already; say it once.
            string reason = e.Message.ReplaceLineEndings(" ");
            string prefix = $"cannot write {path}: ";
            reason = reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason;
            throw new IOException($"could not write checkpoint {path}: {reason.TrimEnd('.')}; {previous}", e);
        }
        _observer.Message($"Checkpoint {path}");
    }

    /// <summary>Temporary files of writes that a crash interrupted; they never count as data.</summary>
    private void RemoveStaleTemporaries()
    {
        foreach (string dir in new[] { _run.Root, _run.CheckpointsDir, _run.SamplesDir })
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (string temp in Directory.EnumerateFiles(dir, "*" + AtomicFile.TemporarySuffix))
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>
    /// The fixed inputs of the per-epoch grids, drawn once from the seed like the tutorial's `seed`: the
    /// noise rows and, for a conditional run, row r of the grid asks for class r with the same noise columns.
    /// </summary>
    public static (Tensor Noise, int[] Labels) SampleInputs(TrainConfig config)
    {
        var (rows, cols, vectors) = config.SampleGrid();
        var rng = Rng.Derive((ulong)config.Seed, "samples");
        if (!config.Conditional)
        {
            var plain = Tensor.ForBatch(vectors, [config.NoiseDim]);
            Noise.Fill(rng, config.NoiseKind, plain.Span);
            return (plain, []);
        }
        var columns = new float[cols * config.NoiseDim];
        Noise.Fill(rng, config.NoiseKind, columns);
        var noise = Tensor.ForBatch(rows * cols, [config.NoiseDim]);
        var labels = new int[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                columns.AsSpan(c * config.NoiseDim, config.NoiseDim).CopyTo(noise.Span.Slice((r * cols + c) * config.NoiseDim, config.NoiseDim));
                labels[r * cols + c] = r;
            }
        }
        return (noise, labels);
    }
}
