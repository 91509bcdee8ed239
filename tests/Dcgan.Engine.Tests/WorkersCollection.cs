// The test collection for classes that change the global Workers.Threads: they run alone, never beside another
// test, so none of them silently runs at a thread count another test set.
namespace Dcgan.Engine.Tests;

/// <summary>Tests that set <see cref="Kernels.Workers.Threads"/>.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkersCollection
{
    public const string Name = "Workers";
}
