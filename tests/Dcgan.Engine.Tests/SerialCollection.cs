// A test collection that xUnit runs with nothing else in parallel: for tests that read process-wide counters
// (GC.CollectionCount), which other tests' allocations would move.
namespace Dcgan.Engine.Tests;

/// <summary>Tests in this collection run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
