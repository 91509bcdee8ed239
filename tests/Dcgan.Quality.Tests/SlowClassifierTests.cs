// The full classifiers, as `evaluate` trains them when the cache is empty: MNIST must reach 99% and
// Fashion-MNIST 90% test accuracy. Minutes of training, so opt-in (DCGAN_SLOW_TESTS=1); figures in docs/quality.md.
using Dcgan.Data;
using Dcgan.Quality;
using Xunit.Abstractions;

using Dcgan.TestSupport;

namespace Dcgan.Quality.Tests;

[Trait("Category", "Slow")]
public sealed class SlowClassifierTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _t = new();

    public void Dispose() => _t.Dispose();

    [SlowFact]
    public void MnistClassifierReaches99Percent() => Check("mnist", 0.99);

    [SlowFact]
    public void FashionMnistClassifierReaches90Percent() => Check("fashion-mnist", 0.90);

    private void Check(string dataset, double accuracy)
    {
        // Reads the data from the usual places, but trains into a temp cache so the user's classifier is untouched.
        var data = DataLocations.FromEnvironment();
        var resolver = new DatasetResolver(data);
        var log = new StringWriter();
        var classifier = ClassifierCache.GetOrTrain(dataset, _t.Root,
            () => resolver.Load(dataset, DataSplit.Train, log), () => resolver.Load(dataset, DataSplit.Test, log), log);
        output.WriteLine(log.ToString());
        output.WriteLine($"{classifier.Info}, trained in {classifier.Info.TrainSeconds:0} s");
        Assert.True(classifier.Info.TestAccuracy >= accuracy, classifier.Info.ToString());
    }
}
