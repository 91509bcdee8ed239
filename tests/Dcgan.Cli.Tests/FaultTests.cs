// Faults other than crashes: a model that diverges, checkpoint writes that fail (target in the way, disk
// full), and damaged data files. Each ends with one line, a non-zero exit, and the last good state intact.
using Dcgan.TestSupport;

namespace Dcgan.Cli.Tests;

using System.Diagnostics;
using Dcgan.Models;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class FaultTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-fault-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string[] Args(string dir, int epochs) =>
    [
        "train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--checkpoint-every", "1", "--samples", "1", "--out", dir,
    ];

    [Fact]
    public void DivergenceStopsAndKeepsTheLastGoodCheckpoint()
    {
        string dir = Path.Combine(_root, "run");
        Assert.Equal(0, CliRunner.Run(Args(dir, 1)).Exit);
        var run = new RunFolder(dir);
        string path = run.Checkpoints()[^1].Path;
        // Blow the discriminator's first kernel up to the largest float and re-seal the checkpoint, as if training were
        // about to: the next step overflows. (A NaN in the file itself is refused before training starts, below.)
        var (gan, config, state) = Checkpoints.Open(path);
        gan.Discriminator.Values.AsSpan(0, 5 * 5 * 64).Fill(float.MaxValue);
        Checkpoint.Save(path, config, state, gan);
        byte[] before = File.ReadAllBytes(path);

        var (exit, _, err) = CliRunner.Run([.. Args(dir, 3), "--resume"]);
        Assert.Equal(1, exit);
        Assert.Contains("training diverged at epoch 2, step 1", err);
        Assert.Contains("the last good checkpoint is kept", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Single(run.Checkpoints());
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Contains("\"failed\"", File.ReadAllText(run.StatusPath));
    }

    [Fact]
    public void ACheckpointHoldingNaNIsRefusedBeforeTraining()
    {
        string dir = Path.Combine(_root, "run");
        Assert.Equal(0, CliRunner.Run(Args(dir, 1)).Exit);
        var run = new RunFolder(dir);
        string path = run.Checkpoints()[^1].Path;
        var (gan, config, state) = Checkpoints.Open(path);
        gan.Generator.Values[123] = float.NaN;
        Checkpoint.Save(path, config, state, gan);
        var before = FolderSnapshot.Take(dir);

        foreach (string[] args in new string[][] { [.. Args(dir, 3), "--resume"], ["generate", "--from", dir, "--out", Path.Combine(_root, "x.png")] })
        {
            var (exit, _, err) = CliRunner.Run(args);
            Assert.Equal(2, exit);
            Assert.Equal($"dcgan: error: checkpoint {path} holds NaN at generator value 123 (a diverged model, or a modified file)\n", err);
        }
        Assert.Equal(before, FolderSnapshot.Take(dir));
    }

    [Fact]
    public void CraftedCheckpointsAndSpecialFilesAreOneLineErrors()
    {
        string dir = Path.Combine(_root, "run");
        Assert.Equal(0, CliRunner.Run(Args(dir, 1)).Exit);
        var run = new RunFolder(dir);
        string path = run.Checkpoints()[^1].Path;
        // A billion completed epochs, sealed again: resuming used to spin through the epoch loop's bounds.
        byte[] file = File.ReadAllBytes(path);
        int headerLength = (int)BitConverter.ToUInt32(file, 12);
        string header = System.Text.Encoding.UTF8.GetString(file, 16, headerLength).Replace("\"CompletedEpochs\":1,", "\"CompletedEpochs\":1000000000,", StringComparison.Ordinal);
        byte[] headerBytes = System.Text.Encoding.UTF8.GetBytes(header);
        byte[] edited = [.. file.AsSpan(0, 12), .. BitConverter.GetBytes(headerBytes.Length), .. headerBytes, .. file.AsSpan(16 + headerLength, file.Length - 32 - 16 - headerLength)];
        File.WriteAllBytes(path, [.. edited, .. System.Security.Cryptography.SHA256.HashData(edited)]);
        var resume = CliRunner.Run([.. Args(dir, 3), "--resume"]);
        Assert.Equal(2, resume.Exit);
        Assert.Equal($"dcgan: error: checkpoint {path} holds an impossible training state: 1000000000 completed epochs where the run has 1\n", resume.Err);

        if (File.Exists("/dev/zero"))
        {
            var zero = CliRunner.Run("generate", "--from", "/dev/zero", "--out", Path.Combine(_root, "z.png"));
            Assert.Equal(2, zero.Exit);
            Assert.StartsWith("dcgan: error: checkpoint /dev/zero is not a dcgan checkpoint (0 bytes", zero.Err);
            Assert.Single(zero.Err.TrimEnd('\n').Split('\n'));
        }
    }

    [Fact]
    public void CheckpointWriteFailureIsOneLineAndThePreviousOneSurvives()
    {
        string dir = Path.Combine(_root, "run");
        Assert.Equal(0, CliRunner.Run(Args(dir, 1)).Exit);
        var run = new RunFolder(dir);
        string first = run.Checkpoints()[^1].Path;
        byte[] before = File.ReadAllBytes(first);
        // Something that is not a file stands where the next checkpoint must go.
        Directory.CreateDirectory(run.CheckpointPath(2));

        var (exit, _, err) = CliRunner.Run([.. Args(dir, 2), "--resume"]);
        Assert.Equal(1, exit);
        Assert.Contains($"could not write checkpoint {run.CheckpointPath(2)}", err);
        Assert.Contains($"the previous checkpoint {first} is intact", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Equal(before, File.ReadAllBytes(first));
        Assert.Empty(Directory.EnumerateFiles(run.CheckpointsDir, "*.tmp"));
    }

    [SkippableFact]
    public void DiskFullDuringACheckpointLeavesThePreviousOne()
    {
        // Needs a small file system of our own: a tmpfs (root only). Without the privilege it is reported as skipped.
        string mount = Path.Combine(_root, "tiny");
        Directory.CreateDirectory(mount);
        Skip.IfNot(Run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount), "cannot mount a tmpfs here (needs root)");
        try
        {
            string dir = Path.Combine(mount, "run");
            var (exit, _, err) = CliRunner.Run(Args(dir, 3));
            Assert.Equal(1, exit);
            Assert.Contains("could not write checkpoint", err);
            Assert.Contains("No space left on device", err);
            var run = new RunFolder(dir);
            Assert.Single(run.Checkpoints());
            var (_, state) = Checkpoint.ReadHeader(run.Checkpoints()[0].Path); // still verifies
            Assert.Equal(1, state.CompletedEpochs);
            Assert.Empty(Directory.EnumerateFiles(run.CheckpointsDir, "*.tmp"));
        }
        finally
        {
            Run("umount", mount);
        }
    }

    [Fact]
    public void DamagedDataFilesAreOneLineErrors()
    {
        string data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        // A train-images file that claims 10 images but holds 3.
        var bytes = new byte[16 + 3 * 28 * 28];
        bytes[2] = 8;
        bytes[3] = 3;
        bytes[7] = 10;
        bytes[11] = 28;
        bytes[15] = 28;
        File.WriteAllBytes(Path.Combine(data, "train-images-idx3-ubyte"), bytes);
        File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
        File.WriteAllBytes(Path.Combine(data, "t10k-images-idx3-ubyte"), bytes);
        File.WriteAllBytes(Path.Combine(data, "t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
        var (exit, _, err) = CliRunner.Run("train", "--data-dir", data, "--epochs", "1", "--out", Path.Combine(_root, "run"));
        Assert.Equal(2, exit);
        Assert.StartsWith("dcgan: error: ", err);
        Assert.Contains("train-images-idx3-ubyte", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_root, "run")));
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
