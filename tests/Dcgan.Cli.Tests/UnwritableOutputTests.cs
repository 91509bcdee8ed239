// Outputs that cannot be written are bad input: generate into a read-only folder (every format), train into one (a new
// run, a folder inside one, a resume), evaluate of a run whose folder cannot take the record, and paths that are not
// runs. Each is one line naming the path the user gave (never a temporary file), exit 2, said before any drawing,
// data loading or measuring, with nothing created.
namespace Dcgan.Cli.Tests;

using Dcgan.TestSupport;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnwritableOutputTests : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    private string TrainRun(string name)
    {
        string run = _t.File(name);
        var train = CliRunner.Run("train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1", "--samples", "1", "--out", run);
        Assert.True(train.Exit == 0, train.Err);
        return run;
    }

    private static void OneLine(string err, string expected)
    {
        Assert.Equal($"dcgan: error: {expected}\n", err.ReplaceLineEndings("\n"));
        Assert.DoesNotContain(".tmp", err);
    }

    [SkippableTheory]
    [InlineData("png")]
    [InlineData("npy")]
    [InlineData("npz")]
    [InlineData("idx")]
    public void GenerateIntoAReadOnlyFolderIsExitTwoNamingTheUsersFile(string format)
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        string run = TrainRun("run");
        string locked = _t.Dir("locked");
        using var readOnly = new ReadOnlyFolder(locked);
        Skip.IfNot(readOnly.Works, "cannot make a folder unwritable here");
        // The path as the user typed it, relative to the working folder.
        string target = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(locked, $"y.{format}"));
        var (exit, output, err) = CliRunner.Run("generate", "--from", run, "--count", "3", "--out", target);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Matches($"^dcgan: error: cannot write {System.Text.RegularExpressions.Regex.Escape(target)}: (Read-only file system|Permission denied)\n$", err);
        Assert.Empty(Directory.EnumerateFileSystemEntries(locked));
    }

    [SkippableFact]
    public void TrainIntoAReadOnlyFolderIsRefusedBeforeItsDataAndCreatesNothing()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        string run = TrainRun("run");
        string locked = _t.Dir("locked");
        string[] common = ["train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "2", "--samples", "1"];
        var before = FolderSnapshot.Take(run);
        using (var lockedFolder = new ReadOnlyFolder(locked))
        using (var lockedRun = new ReadOnlyFolder(run))
        {
            Skip.IfNot(lockedFolder.Works && lockedRun.Works, "cannot make a folder unwritable here");
            foreach (var (outDir, resume, missing) in new[] { (locked, false, ""), (Path.Combine(locked, "new", "run"), false, $" ({locked})"), (run, true, "") })
            {
                var (exit, output, err) = CliRunner.Run([.. common, "--out", outDir, .. resume ? new[] { "--resume" } : []]);
                Assert.Equal(2, exit);
                Assert.Equal("", output); // said before the data are loaded ("Training the ...")
                Assert.Matches($"^dcgan: error: cannot write the run folder {System.Text.RegularExpressions.Regex.Escape(outDir)}: (Read-only file system|Permission denied){System.Text.RegularExpressions.Regex.Escape(missing)}\n$", err);
            }
            Assert.Empty(Directory.EnumerateFileSystemEntries(locked));
        }
        Assert.Equal(before, FolderSnapshot.Take(run));

        // A file in the way of the run folder is said the same way.
        string file = _t.File("a-file");
        File.WriteAllText(file, "x");
        var (fileExit, _, fileErr) = CliRunner.Run([.. common, "--out", Path.Combine(file, "run")]);
        Assert.Equal(2, fileExit);
        OneLine(fileErr, $"cannot write the run folder {Path.Combine(file, "run")}: {file} is a file, not a folder");
    }

    [SkippableFact]
    public void EvaluateOfARunThatCannotTakeTheRecordIsRefusedAtOnce()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        string run = TrainRun("run");
        var before = FolderSnapshot.Take(run);
        using (var readOnly = new ReadOnlyFolder(run))
        {
            Skip.IfNot(readOnly.Works, "cannot make a folder unwritable here");
            var (exit, output, err) = CliRunner.Run("evaluate", "--from", run, "--count", "50");
            Assert.Equal(2, exit);
            Assert.Equal("", output); // before the classifier is loaded or trained
            Assert.Matches($"^dcgan: error: cannot record the evaluation in {System.Text.RegularExpressions.Regex.Escape(run)}: (Read-only file system|Permission denied) " +
                @"\(quality\.jsonl and nearest\.png go there; evaluate a copy of the checkpoint outside the run to measure without recording\)\n$", err);
        }
        Assert.Equal(before, FolderSnapshot.Take(run));
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("export")]
    [InlineData("evaluate")]
    public void FromSomethingThatIsNotARunIsExitTwo(string verb)
    {
        string notRun = _t.Dir("not-a-run");
        string missing = _t.File("missing");
        string[] output = verb switch
        {
            "generate" => ["--out", _t.File("g.png")],
            "export" => ["--out", _t.File("g.onnx")],
            _ => [],
        };
        foreach (var (from, message) in new[]
        {
            ("/", "/ is not a run folder (no config.json)"),
            (notRun, $"{notRun} is not a run folder (no config.json)"),
            (missing, $"{missing} does not exist"),
        })
        {
            var (exit, stdout, err) = CliRunner.Run([verb, "--from", from, .. output]);
            Assert.Equal(2, exit);
            Assert.Equal("", stdout);
            OneLine(err, message);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(notRun));
        Assert.False(File.Exists(_t.File("g.png")) || File.Exists(_t.File("g.onnx")));
    }
}
