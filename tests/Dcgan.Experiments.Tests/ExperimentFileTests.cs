// The experiment file format: the shipped files parse, flags land in the right config fields, --quick scales
// epochs and references alike, and every kind of mistake is one clear ExperimentFileException.
using Dcgan.Experiments;

using Dcgan.TestSupport;
using Dcgan.Training;

namespace Dcgan.Experiments.Tests;

public class ExperimentFileTests
{
    private const string Minimal = """
        { "name": "t", "base": { "dataset": "synthetic", "epochs": 50 },
          "parts": [ { "id": "A", "question": "q?", "compare-with": "base@50",
            "variants": [ { "name": "base", "changes": "nothing", "report-epochs": [10] },
                          { "name": "relu", "changes": "ReLU", "flags": { "g-activation": "relu", "lr-g": 2e-4, "drop-last": true } } ] } ] }
        """;

    [Fact]
    public void ShippedFilesParseWithTheSeedsVariants()
    {
        var comparison = ExperimentFile.Load(Path.Combine(Repo.Root, "experiments", "tutorial-comparison.json"));
        Assert.Equal(["A", "B", "C"], comparison.Parts.Select(p => p.Id));
        var baseline = comparison.Config(comparison.Variants.Single(v => v.Name == "baseline"));
        Assert.Equal(100, baseline.Epochs);
        Assert.Equal([10, 50, 100], comparison.Variants[0].ReportEpochs);
        Assert.Equal("relu", comparison.Config(comparison.Variants.Single(v => v.Part == "B")).GeneratorActivation);
        Assert.Contains(comparison.Variants, v => comparison.Config(v).Beta1 == 0.5);
        Assert.Contains(comparison.Variants, v => comparison.Config(v).NoiseDim != 100);
        Assert.Contains(comparison.Variants, v => comparison.Config(v).BatchSize != 256);

        var fashion = ExperimentFile.Load(Path.Combine(Repo.Root, "experiments", "fashion-recipe.json"));
        var s4 = fashion.Config(fashion.Variants.Single(v => v.Name == "fashion-recipe"));
        Assert.Equal(("fashion-mnist", 128, 2e-4, 2e-4, "uniform"), (s4.Dataset, s4.BatchSize, s4.LearningRateG, s4.LearningRateD, s4.Noise));

        // The recipe study: each recipe's own optimizer settings and average, resolved as train resolves them.
        var recipes = ExperimentFile.Load(Path.Combine(Repo.Root, "experiments", "recipe-fast.json"));
        Assert.Equal(6, recipes.Variants.Count);
        var tutorial = recipes.Config(recipes.Variants.Single(v => v.Name == "tutorial-2"));
        Assert.Equal(("tutorial", 50, 2L, 1e-4, 0.9, 0.0), (tutorial.Recipe, tutorial.Epochs, tutorial.Seed, tutorial.LearningRateG, tutorial.Beta1, tutorial.GeneratorEma));
        var fast = recipes.Config(recipes.Variants.Single(v => v.Name == "fast-3"));
        Assert.Equal(("fast", 10, 3L, 2e-4, 0.5, TrainConfig.FastGeneratorEma, 128), (fast.Recipe, fast.Epochs, fast.Seed, fast.LearningRateG, fast.Beta1, fast.GeneratorEma, fast.BatchSize));
        Assert.Equal(256, tutorial.BatchSize);
    }

    [Fact]
    public void AConditionalVariantDrawsFromTheAverageAsTrainDoes()
    {
        var file = ExperimentFile.Parse(Minimal.Replace("\"g-activation\": \"relu\",", "\"conditional\": true,"), "t.json");
        Assert.Equal(TrainConfig.ConditionalGeneratorEma, file.Config(file.Variants[1]).GeneratorEma);
    }

    [Fact]
    public void FlagsOverrideTheBaseAndBecomeTrainArguments()
    {
        var file = ExperimentFile.Parse(Minimal, "t.json");
        var relu = file.Variants[1];
        var config = file.Config(relu);
        Assert.Equal(("synthetic", 50, "relu", 2e-4, true), (config.Dataset, config.Epochs, config.GeneratorActivation, config.LearningRateG, config.DropLast));
        var args = file.Arguments(relu);
        Assert.Contains("--drop-last", args);
        Assert.Equal("relu", args[args.ToList().IndexOf("--g-activation") + 1]);
        Assert.Equal(2e-4, double.Parse(args[args.ToList().IndexOf("--lr-g") + 1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void QuickScalesEpochsReportEpochsAndReferences()
    {
        var file = ExperimentFile.Parse(Minimal, "t.json");
        var full = ExperimentPlan.Create(file, quick: false);
        Assert.Equal([10, 50], full.Variants[0].ReportEpochs);
        Assert.Equal(5, full.Variants[0].EvalEvery);
        Assert.Equal(50, full.CompareTarget(file.Parts[0])!.Value.Epoch);

        var quick = ExperimentPlan.Create(file, quick: true, dataDir: "/data");
        Assert.Equal(1, quick.Variants[0].Config.Epochs);
        Assert.Equal(file.QuickLimit, quick.Variants[0].Config.Limit);
        Assert.Equal("/data", quick.Variants[0].Config.DataDir);
        Assert.Equal([1], quick.Variants[0].ReportEpochs);
        Assert.Equal(1, quick.CompareTarget(file.Parts[0])!.Value.Epoch);
        Assert.Equal(file.QuickEvalCount, quick.EvalCount);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "name": "t", "parts": [] }""", "no variants")]
    [InlineData("""{ "name": "t", "colour": 1, "parts": [] }""", "unknown key \"colour\"")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c", "flags": { "lr": 1 } } ] } ] }""", "variant x: unknown train flag 'lr'")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c", "flags": { "data-dir": "/d" } } ] } ] }""", "unknown train flag 'data-dir'")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c", "flags": { "epochs": "ten" } } ] } ] }""", "variant x: a flag has a value of the wrong type")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x", "changes": "c" }, { "name": "X", "changes": "c" } ] } ] }""", "is used twice")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "compare-with": "nope@3", "variants": [ { "name": "x", "changes": "c" } ] } ] }""", "compare-with names no variant")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "a/b", "changes": "c" } ] } ] }""", "folder name")]
    [InlineData("""{ "name": "t", "parts": [ { "id": "A", "variants": [ { "name": "x" } ] } ] }""", "variant x: \"changes\" is required")]
    public void MistakesAreOneClearError(string json, string expected)
    {
        var e = Assert.Throws<ExperimentFileException>(() => ExperimentFile.Parse(json, "bad.json"));
        Assert.StartsWith("bad.json: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
