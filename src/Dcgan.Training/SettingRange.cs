// The inclusive range a numeric setting must lie in, and the words for it: train's flags and the configs that
// config.json and checkpoints carry are checked against the same ranges (see TrainLimits).
namespace Dcgan.Training;

using System.Globalization;

/// <summary>An inclusive range of allowed values (whole numbers are stored exactly as doubles).</summary>
public sealed record SettingRange(double Min, double Max)
{
    /// <summary><see cref="Min"/> as a whole number, for integer flags.</summary>
    public int IntMin => checked((int)Min);

    /// <summary><see cref="Max"/> as a whole number, for integer flags.</summary>
    public int IntMax => checked((int)Max);

    public bool Contains(double value) => value >= Min && value <= Max;

    /// <summary>"between 1 and 100000", "at least 0" (no upper bound, or int.MaxValue), "at most 4".</summary>
    public string Describe()
    {
        static string F(double v) => v.ToString("G", CultureInfo.InvariantCulture);
        if (double.IsPositiveInfinity(Max) || Max == int.MaxValue)
        {
            return $"at least {F(Min)}";
        }
        if (double.IsNegativeInfinity(Min) || Min == int.MinValue)
        {
            return $"at most {F(Max)}";
        }
        return $"between {F(Min)} and {F(Max)}";
    }
}
