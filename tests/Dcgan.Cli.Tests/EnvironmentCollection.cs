// The test collection for classes that change process-wide environment variables (DCGAN_CACHE): they run alone, so
// no other test reads a cache folder that is not its own.
namespace Dcgan.Cli.Tests;

/// <summary>Tests that set environment variables the CLI reads.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "environment";
}
