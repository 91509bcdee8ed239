// Opt-in long tests (minutes of training): they run only when DCGAN_SLOW_TESTS=1, so `dotnet test` stays fast.
// Their figures are recorded in docs/quality.md.
namespace Dcgan.TestSupport;

/// <summary>A [Fact] skipped unless the environment variable DCGAN_SLOW_TESTS is 1.</summary>
public sealed class SlowFactAttribute : FactAttribute
{
    public SlowFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DCGAN_SLOW_TESTS") != "1")
        {
            Skip = "slow: set DCGAN_SLOW_TESTS=1 to run";
        }
    }
}

/// <summary>A theory that runs only with DCGAN_SLOW_TESTS=1 (long trainings on real data); skipped otherwise.</summary>
public sealed class SlowTheoryAttribute : TheoryAttribute
{
    public SlowTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("DCGAN_SLOW_TESTS") != "1")
        {
            Skip = "slow: set DCGAN_SLOW_TESTS=1 to run";
        }
    }
}
