// One runs folder for every dashboard test class: training it costs a few seconds, so it is made once.
namespace Dcgan.Dashboard.Tests;

/// <summary>The xunit collection sharing <see cref="RunsFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RunsCollection : ICollectionFixture<RunsFixture>
{
    public const string Name = "runs";
}
