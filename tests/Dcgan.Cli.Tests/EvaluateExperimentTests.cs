// The evaluate and experiment verbs as a user meets them: help, bad input as one line with a non-zero exit,
// train -> evaluate on the synthetic set (recorded in quality.jsonl), and a tiny experiment file end to end.
// The tutorial comparison's --quick run on real MNIST is opt-in (DCGAN_SLOW_TESTS=1): minutes on two cores.
using Dcgan.TestSupport;

namespace Dcgan.Cli.Tests;

using Dcgan.Quality;
using Dcgan.Training;

public sealed class EvaluateExperimentTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-eval-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void HelpListsBothVerbs()
    {
        var main = CliRunner.Run("--help");
        Assert.Contains("  evaluate", main.Out);
        Assert.Contains("  experiment", main.Out);
        Assert.Contains("--count N", CliRunner.Run("evaluate", "--help").Out);
        Assert.Contains("--quick", CliRunner.Run("experiment", "--help").Out);
    }

    [Theory]
    [InlineData(new[] { "evaluate" }, "--from RUN_DIR|CHECKPOINT is required")]
    [InlineData(new[] { "evaluate", "--from", "/no/such/run" }, "does not exist")]
    [InlineData(new[] { "evaluate", "--from", "x", "--count", "1" }, "--count must be between 2")]
    [InlineData(new[] { "experiment" }, "experiment needs a file")]
    [InlineData(new[] { "experiment", "/no/such.json" }, "experiment file /no/such.json does not exist")]
    [InlineData(new[] { "experiment", "a.json", "b.json" }, "unexpected argument 'b.json'")]
    public void BadInputIsOneLine(string[] args, string expected)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("{ \"name\": ", "not valid JSON")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c", "flags": { "frobnicate": 1 } } ] } ] }""", "variant x: unknown train flag 'frobnicate'")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c", "flags": { "epochs": 0 } } ] } ] }""", "variant x: --epochs must be between 1 and 100000, got 0")]
    [InlineData("""{ "name": "t", "base": { "dataset": "cifar" }, "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c" } ] } ] }""", "--dataset must be one of mnist, fashion-mnist, emoji, folder, synthetic, got 'cifar'")]
    public void BadExperimentFilesAreOneLine(string json, string expected)
    {
        string path = Write("bad.json", json);
        var (exit, _, err) = CliRunner.Run("experiment", path, "--out", Path.Combine(_root, "out"));
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }

    [Fact]
    public void EvaluateMeasuresARunAndRecordsIt()
    {
        string run = Path.Combine(_root, "run");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", "synthetic", "--epochs", "1", "--limit", "128", "--batch-size", "64", "--samples", "4", "--out", run).Exit);
        var (exit, output, err) = CliRunner.Run("evaluate", "--from", run, "--count", "100");
        Assert.True(exit == 0, err);
        Assert.Contains("FID", output);
        Assert.Contains("Inception Score", output);
        Assert.Contains("min class share", output);
        var recorded = QualityLog.Read(new RunFolder(run));
        Assert.Equal(1, Assert.Single(recorded).Epoch);
        Assert.Equal(100, recorded[0].Count);

        // A checkpoint path works too and records into its run.
        string checkpoint = new RunFolder(run).Checkpoints()[^1].Path;
        Assert.Equal(0, CliRunner.Run("evaluate", "--from", checkpoint, "--count", "50", "--seed", "3").Exit);
        Assert.Equal(50, QualityLog.Read(new RunFolder(run))[^1].Count);
    }

    [Fact]
    public void ExperimentRunsATinyFileAndResumesWithoutRetraining()
    {
        string path = Write("tiny.json", """
            { "name": "tiny",
              "base": { "dataset": "synthetic", "epochs": 1, "limit": 128, "batch-size": 64, "samples": 4 },
              "eval-count": 50,
              "parts": [ { "id": "A", "question": "Does a larger noise size help?", "compare-with": "base",
                "variants": [ { "name": "base", "changes": "noise size 100" },
                              { "name": "noise-8", "changes": "noise size 8", "flags": { "noise-dim": 8 } } ] } ] }
            """);
        string outDir = Path.Combine(_root, "exp");
        var (exit, output, err) = CliRunner.Run("experiment", path, "--out", outDir);
        Assert.True(exit == 0, err + output);
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| base |", md);
        Assert.Contains("| noise-8 |", md);
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));

        var again = CliRunner.Run("experiment", path, "--out", outDir);
        Assert.Equal(0, again.Exit);
        Assert.Contains("[base] already finished; kept", again.Out);
        Assert.Contains("[noise-8] already finished; kept", again.Out);
    }

    [SlowFact]
    [Trait("Category", "Slow")]
    public void TutorialComparisonQuickWritesBothReportsWithEveryVariant()
    {
        string outDir = Path.Combine(_root, "tutorial-comparison");
        var (exit, output, err) = CliRunner.Run("experiment", Path.Combine(Repo.Root, "experiments", "tutorial-comparison.json"), "--quick", "--out", outDir);
        Assert.True(exit == 0, err + output);
        string md = File.ReadAllText(Path.Combine(outDir, "report.md"));
        string html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        foreach (string variant in new[] { "baseline@1", "baseline@2", "relu", "noise-16", "noise-256", "batch-64", "batch-1024", "lr-2e-4", "lr-d-4e-4", "beta1-0.5", "dcgan-paper" })
        {
            Assert.Contains($"| {variant} |", md);
            Assert.Contains($"<td>{variant}</td>", html);
        }
        foreach (string word in new[] { "relu", "leaky", "noise", "batch", "learning rate", "beta1", "FID", "seconds" })
        {
            Assert.Contains(word, md, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(word, html, StringComparison.OrdinalIgnoreCase);
        }
    }
}
