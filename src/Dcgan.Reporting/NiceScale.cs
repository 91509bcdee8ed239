// "Nice" axis ranges and tick labels (steps of 1, 2 or 5 times a power of ten), after Paul Heckbert's
// "Nice Numbers for Graph Labels" (Graphics Gems, 1990).
using System.Globalization;

namespace Dcgan.Reporting;

internal readonly record struct NiceScale(double Min, double Max, double Step)
{
    /// <summary>A range covering [lo, hi] with about <paramref name="targetTicks"/> ticks; degenerate input gets a unit-sized range.</summary>
    public static NiceScale For(double lo, double hi, int targetTicks = 6)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
        {
            return new NiceScale(0, 1, 0.2);
        }
        if (hi < lo)
        {
            (lo, hi) = (hi, lo);
        }
        if (hi - lo < 1e-12 * Math.Max(1.0, Math.Abs(lo)))
        {
            // A single value sits in the middle of a small range rather than on a zero-height axis.
            double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = NiceNumber(NiceNumber(hi - lo, round: false) / Math.Max(1, targetTicks - 1), round: true);
        double min = Math.Floor(lo / step) * step;
        double max = Math.Ceiling(hi / step) * step;
        return new NiceScale(min, max, step);
    }

    public IEnumerable<double> Ticks()
    {
        int n = (int)Math.Round((Max - Min) / Step);
        for (int i = 0; i <= n; i++)
        {
            // Multiply rather than accumulate so 0.1-steps do not drift to 0.30000000000000004.
            yield return Min + i * Step;
        }
    }

    public string Format(double value)
    {
        double mag = Math.Max(Math.Abs(Min), Math.Abs(Max));
        if (mag >= 1e6 || Step < 1e-4)
        {
            return value.ToString("G3", CultureInfo.InvariantCulture);
        }
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(Step) + 1e-9));
        string s = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return s.StartsWith('-') && s.Trim('-', '0', '.').Length == 0 ? s[1..] : s;
    }

    private static double NiceNumber(double x, bool round)
    {
        double exp = Math.Floor(Math.Log10(x));
        double f = x / Math.Pow(10, exp);
        double nice = round
            ? f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
            : f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
        return nice * Math.Pow(10, exp);
    }
}
