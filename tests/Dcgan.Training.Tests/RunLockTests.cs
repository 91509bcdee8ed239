// One writer per run folder, in one process: a second lock on a folder is refused naming the holder, probing creates
// nothing, and a second trainer on a run that trains stops before it reads or writes anything. (Two real processes:
// tests/Dcgan.Cli.Tests/OneWriterTests.cs.)
namespace Dcgan.Training.Tests;

using Dcgan.Data;
using Dcgan.Models;
using Dcgan.TestSupport;

public sealed class RunLockTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ASecondLockIsRefusedAndNamesTheHolder()
    {
        string dir = _temp.Dir("run");
        var first = RunLock.Acquire(dir);
        var e = Assert.Throws<RunInUseException>(() => RunLock.Acquire(dir));
        Assert.Equal(Environment.ProcessId, e.Pid);
        Assert.Contains($"is in use by process {Environment.ProcessId}", e.Message);
        Assert.Throws<RunInUseException>(() => RunLock.ThrowIfInUse(dir));
        first.Dispose();
        RunLock.ThrowIfInUse(dir);
        using var again = RunLock.Acquire(dir);
    }

    [Fact]
    public void ProbingCreatesNothing()
    {
        string empty = _temp.Dir("empty");
        RunLock.ThrowIfInUse(empty);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
        string missing = _temp.File("missing");
        RunLock.ThrowIfInUse(missing);
        Assert.False(Directory.Exists(missing));
        // A lock file left by a finished (or killed) writer holds no lock.
        using (RunLock.Acquire(empty))
        {
        }
        RunLock.ThrowIfInUse(empty);
        Assert.False(new RunFolder(empty).HoldsFiles);
        // Nor does the temporary of a config.json whose write a kill interrupted: the run may start over there.
        File.WriteAllText(Path.Combine(empty, "config.json.0123456789abcdef.tmp"), "{");
        Assert.False(new RunFolder(empty).HoldsFiles);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "mine");
        Assert.True(new RunFolder(empty).HoldsFiles);
    }

    [Fact]
    public async Task ASecondTrainerOnARunThatTrainsIsRefusedAndChangesNothing()
    {
        var config = new TrainConfig { Dataset = "synthetic", Epochs = 3, BatchSize = 8, Limit = 16, CheckpointEvery = 1, Samples = 1, Seed = 4, Threads = 2, Version = "test" };
        var data = SyntheticDataset.Create(config.Limit, (ulong)config.Seed);
        string dir = _temp.Dir("run");
        var run = new RunFolder(dir);
        using var reached = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = Task.Run(() => new Trainer(config, data, run, new PausingObserver(reached, release)).Run(CancellationToken.None));
        try
        {
            Assert.True(reached.Wait(TimeSpan.FromMinutes(2)), "the first trainer never reached epoch 2");
            var before = FolderSnapshot.Take(dir);
            string latest = run.Checkpoints()[^1].Path;
            var second = new Trainer(config, data, run, new QuietObserver());
            var e = Assert.Throws<RunInUseException>(() => second.Run(CancellationToken.None, latest));
            Assert.Equal(Environment.ProcessId, e.Pid);
            Assert.Throws<RunInUseException>(() => new Trainer(config, data, run, new QuietObserver()).Run(CancellationToken.None));
            Assert.Equal(before, FolderSnapshot.Take(dir));
        }
        finally
        {
            release.Set();
        }
        Assert.Equal(TrainOutcome.Completed, await first);
        // Released with the run: the next writer gets in.
        using var next = RunLock.Acquire(dir);
    }

    [Fact]
    public async Task ALockReleasedWhileChildrenStartIsTakenAgainInThisProcess()
    {
        // Process.Start forks: the child has a copy of every descriptor, the lock's included, until its exec closes them,
        // which takes longer the more memory is mapped. With 1 GB in use and children started all the while, a lock
        // released and taken again here used to be refused ("in use by process <this one>") most of the time.
        var memory = new byte[4][];
        for (int i = 0; i < memory.Length; i++)
        {
            memory[i] = new byte[1 << 28];
            Array.Fill(memory[i], (byte)1);
        }
        string dir = _temp.Dir("run");
        using var stop = new CancellationTokenSource();
        var starters = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { RedirectStandardOutput = true })!;
                child.WaitForExit();
            }
        })).ToArray();
        int refused = 0;
        try
        {
            for (int i = 0; i < 300; i++)
            {
                try
                {
                    using (RunLock.Acquire(dir))
                    {
                        Thread.SpinWait(2000);
                    }
                    RunLock.ThrowIfInUse(dir);
                }
                catch (RunInUseException)
                {
                    refused++;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(starters);
        }
        GC.KeepAlive(memory);
        Assert.Equal(0, refused);
    }

    /// <summary>Holds the trainer at the first step of epoch 2 (epoch 1's checkpoint written) until released.</summary>
    private sealed class PausingObserver(ManualResetEventSlim reached, ManualResetEventSlim release) : ITrainingObserver
    {
        public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
        {
            if (epoch == 2 && step == 1)
            {
                reached.Set();
                release.Wait(TimeSpan.FromMinutes(2));
            }
        }

        public void OnEpoch(EpochMetrics metrics)
        {
        }

        public void Message(string line)
        {
        }
    }
}
