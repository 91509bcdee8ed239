// Element-wise closeness checks of engine results against golden tensors (tests/golden/README.md gives
// the tolerances that fit each kind of case).
using System.Globalization;

namespace Dcgan.TestSupport;

/// <summary>Assertions comparing float spans: |expected - actual| &lt;= absTol + relTol * |expected|.</summary>
public static class GoldenAssert
{
    /// <summary>Fails with the first mismatching index and values (and the count and worst error) if any element is not close.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relTol = 1e-4, double absTol = 1e-5, string what = "")
    {
        string label = what.Length > 0 ? what + ": " : "";
        if (expected.Length != actual.Length)
        {
            Assert.Fail($"{label}length mismatch: expected {expected.Length} values, got {actual.Length}");
        }
        int first = -1;
        int mismatches = 0;
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            double a = actual[i];
            double diff = Math.Abs(e - a);
            // A NaN anywhere, or an infinity that is not matched exactly, is a mismatch.
            bool ok = e == a || diff <= absTol + relTol * Math.Abs(e);
            if (!ok)
            {
                mismatches++;
                if (first < 0)
                {
                    first = i;
                }
                double excess = double.IsNaN(diff) ? double.PositiveInfinity : diff;
                if (excess > worst || worstIndex < 0)
                {
                    worst = excess;
                    worstIndex = i;
                }
            }
        }
        if (first >= 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{label}{mismatches} of {expected.Length} values differ (relTol {relTol:G3}, absTol {absTol:G3}); " +
                $"first at [{first}]: expected {expected[first]:G9}, actual {actual[first]:G9}; " +
                $"worst at [{worstIndex}]: expected {expected[worstIndex]:G9}, actual {actual[worstIndex]:G9}"));
        }
    }

    /// <summary>Compares one scalar with the same rule as <see cref="Close"/>.</summary>
    public static void Close(float expected, float actual, double relTol = 1e-4, double absTol = 1e-5, string what = "") =>
        Close([expected], [actual], relTol, absTol, what);
}
