// `dcgan export` through the command line: a run or its checkpoint becomes the same ONNX file, and every bad input (a
// damaged checkpoint, an unknown format, an unwritable or full destination, a folder as --out) is one line, exit 2, with
// no .onnx or temporary file left behind and an existing file untouched.
namespace Dcgan.Cli.Tests;

using Dcgan.Training;

public sealed class ExportCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-export-").FullName;

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

    private string TrainRun()
    {
        string run = Path.Combine(_root, "run");
        var train = CliRunner.Run("train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1", "--samples", "1", "--out", run);
        Assert.True(train.Exit == 0, train.Err);
        return run;
    }

    [Fact]
    public void ARunAndItsLatestCheckpointExportTheSameModel()
    {
        string run = TrainRun();
        string fromRun = Path.Combine(_root, "from-run.onnx");
        var (exit, stdout, err) = CliRunner.Run("export", "--from", run, "--out", fromRun);
        Assert.True(exit == 0, err);
        Assert.StartsWith($"Wrote {fromRun} (", stdout);
        Assert.Contains("ONNX opset 17): noise [N, 100] -> images [N, 28, 28, 1]", stdout);

        string checkpoint = new RunFolder(run).Checkpoints()[^1].Path;
        string fromCheckpoint = Path.Combine(_root, "from-checkpoint.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--from", checkpoint, "--out", fromCheckpoint, "--format", "onnx").Exit);
        byte[] model = File.ReadAllBytes(fromRun);
        Assert.True(model.Length > 2_330_944 * 4, $"{model.Length} bytes cannot hold the generator's weights");
        Assert.Equal(model, File.ReadAllBytes(fromCheckpoint));

        // Exporting again replaces the file with the same bytes.
        Assert.Equal(0, CliRunner.Run("export", "--from", run, "--out", fromRun).Exit);
        Assert.Equal(model, File.ReadAllBytes(fromRun));
        Assert.Empty(Directory.EnumerateFiles(_root, "*.tmp"));
        Assert.Contains("export", Program.MainHelp());
    }

    [Fact]
    public void BadInputIsOneLineExit2AndWritesNothing()
    {
        string run = TrainRun();
        string checkpoint = new RunFolder(run).Checkpoints()[^1].Path;
        string damaged = Path.Combine(_root, "damaged.dcgan");
        byte[] bytes = File.ReadAllBytes(checkpoint);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(damaged, bytes);
        string existing = Path.Combine(_root, "existing.onnx");
        File.WriteAllText(existing, "an earlier export");
        string fresh = Path.Combine(_root, "fresh.onnx");
        string folder = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;

        Fails(["--from", damaged, "--out", existing], $"checkpoint {damaged} is damaged (checksum mismatch: truncated or modified)");
        Fails(["--from", damaged, "--out", fresh], "is damaged");
        Fails(["--from", run, "--out", fresh, "--format", "tflite"], "--format must be one of onnx, got 'tflite'");
        Fails(["--from", run, "--out", folder], $"--out {folder} is a folder; give a file name such as {Path.Combine(folder, "generator.onnx")}");
        Fails(["--from", run, "--out", Path.Combine(_root, "missing", "g.onnx")], $"cannot write {Path.Combine(_root, "missing", "g.onnx")}: folder {Path.Combine(_root, "missing")} does not exist");
        Fails(["--out", fresh], "--from RUN_DIR|CHECKPOINT is required");
        Fails(["--from", Path.Combine(_root, "nowhere"), "--out", fresh], $"{Path.Combine(_root, "nowhere")} does not exist");

        Assert.Equal("an earlier export", File.ReadAllText(existing));
        Assert.False(File.Exists(fresh));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Assert.Empty(Directory.EnumerateFiles(_root, "*.tmp"));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AnUnwritableFolderIsOneLineNamingTheUsersFile()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        string run = TrainRun();
        string locked = Directory.CreateDirectory(Path.Combine(_root, "locked")).FullName;
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        // Root writes through permissions: there, a read-only file system stands in.
        bool mounted = ReadOnlyFolder.Writable(locked) && ReadOnlyFolder.Command("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", locked);
        try
        {
            Skip.If(ReadOnlyFolder.Writable(locked), "cannot make a folder unwritable here");
            string target = Path.Combine(locked, "g.onnx");
            var (exit, _, err) = CliRunner.Run("export", "--from", run, "--out", target);
            Assert.Equal(2, exit);
            Assert.StartsWith($"dcgan: error: cannot write {target}: ", err);
            Assert.DoesNotContain(".tmp", err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.Empty(Directory.EnumerateFileSystemEntries(locked));
        }
        finally
        {
            if (mounted)
            {
                ReadOnlyFolder.Command("umount", locked);
            }
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [SkippableFact]
    public void AFullDiskLeavesNoHalfWrittenModel()
    {
        string run = TrainRun();
        // A 1 MiB file system of our own (root only) cannot hold the 9 MB model: the write fails part-way.
        string tiny = Directory.CreateDirectory(Path.Combine(_root, "tiny")).FullName;
        Skip.IfNot(ReadOnlyFolder.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tiny), "cannot mount a tmpfs here (not root)");
        try
        {
            string target = Path.Combine(tiny, "g.onnx");
            var (exit, _, err) = CliRunner.Run("export", "--from", run, "--out", target);
            Assert.Equal(2, exit);
            Assert.StartsWith($"dcgan: error: cannot write {target}: ", err);
            Assert.Contains("No space left on device", err);
            Assert.DoesNotContain(".tmp", err);
            Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.Empty(Directory.EnumerateFileSystemEntries(tiny));
        }
        finally
        {
            ReadOnlyFolder.Command("umount", tiny);
        }
    }

    private static void Fails(string[] args, string message)
    {
        var (exit, stdout, err) = CliRunner.Run(["export", .. args]);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("dcgan: error: ", err);
        Assert.Contains(message, err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }
}
