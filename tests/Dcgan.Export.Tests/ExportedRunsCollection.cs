// The test collection that shares one set of trained and exported runs (training them once per test assembly).
namespace Dcgan.Export.Tests;

[CollectionDefinition(Name)]
public sealed class ExportedRunsCollection : ICollectionFixture<ExportedRuns>
{
    public const string Name = "exported runs";
}
