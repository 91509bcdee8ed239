// --recipe: which optimizer settings and generator average a run gets where its flags say nothing. The tutorial recipe
// is the models' own (the TensorFlow tutorial's, or the DCGAN paper's for --arch dcgan); "fast" takes the paper's Adam
// and batch of 128 and draws from a moving average of G. Any flag given wins, and a conditional run draws from an average in either.
namespace Dcgan.Training.Tests;

using Dcgan.Training;

public sealed class RecipeTests
{
    private static TrainConfig Resolve(TrainConfig config, params string[] given) => config.WithDefaultsFor(given.Contains);

    [Fact]
    public void TheTutorialRecipeIsTheTutorials()
    {
        var c = Resolve(new TrainConfig());
        Assert.Equal("tutorial", c.Recipe);
        Assert.Equal((1e-4, 1e-4, 0.9, 0.999, 0.0, 256), (c.LearningRateG, c.LearningRateD, c.Beta1, c.Beta2, c.GeneratorEma, c.BatchSize));
        var paper = Resolve(new TrainConfig { Dataset = "emoji" });
        Assert.Equal(("dcgan", 2e-4, 2e-4, 0.5, 0.0, 128), (paper.Architecture, paper.LearningRateG, paper.LearningRateD, paper.Beta1, paper.GeneratorEma, paper.BatchSize));
        var conditional = Resolve(new TrainConfig { Conditional = true });
        Assert.Equal((1e-4, 0.9, TrainConfig.ConditionalGeneratorEma), (conditional.LearningRateG, conditional.Beta1, conditional.GeneratorEma));
    }

    [Theory]
    [InlineData("mnist", "tutorial")]
    [InlineData("fashion-mnist", "tutorial")]
    [InlineData("emoji", "dcgan")]
    [InlineData("folder", "dcgan")]
    public void TheFastRecipeKeepsEachModelAndTakesThePapersAdamAndBatch(string dataset, string arch)
    {
        var c = Resolve(new TrainConfig { Dataset = dataset, Recipe = "fast" });
        Assert.Equal(arch, c.Architecture);
        Assert.Equal(128, c.BatchSize);
        Assert.Equal((2e-4, 2e-4, 0.5, 0.999), (c.LearningRateG, c.LearningRateD, c.Beta1, c.Beta2));
        Assert.Equal(TrainConfig.FastGeneratorEma, c.GeneratorEma);
        Assert.True(c.GeneratorEma > 0 && c.ModelOptions().AverageGenerator);
    }

    [Fact]
    public void EveryFlagGivenWinsOverTheRecipe()
    {
        var c = Resolve(new TrainConfig { Recipe = "fast", LearningRateG = 3e-4, Beta1 = 0.7, GeneratorEma = 0, BatchSize = 256 }, "lr-g", "beta1", "g-ema", "batch-size");
        Assert.Equal((3e-4, 2e-4, 0.7, 0.0, 256), (c.LearningRateG, c.LearningRateD, c.Beta1, c.GeneratorEma, c.BatchSize));
        var tutorial = Resolve(new TrainConfig { Conditional = true, GeneratorEma = 0 }, "g-ema");
        Assert.Equal(0.0, tutorial.GeneratorEma);
    }

    [Fact]
    public void TheRecipeIsSavedAndOldConfigsReadAsTutorial()
    {
        var fast = Resolve(new TrainConfig { Recipe = "fast" });
        var back = TrainConfig.FromJson(fast.ToJson());
        Assert.Equal("fast", back.Recipe);
        Assert.Equal(fast, back with { ClassNames = fast.ClassNames });
        Assert.Contains("\"recipe\": \"fast\"", fast.ToJson());

        // A config written before the key existed was trained with the tutorial's recipe.
        string old = new TrainConfig().ToJson().Replace("\"recipe\": \"tutorial\",", "");
        Assert.DoesNotContain("recipe", old);
        Assert.Equal("tutorial", TrainConfig.FromJson(old).Recipe);

        var bad = new TrainConfig { Recipe = "quick" };
        Assert.Equal("--recipe must be one of tutorial, fast, got 'quick'", bad.Problem());
    }
}
