// The allowed values of every numeric training setting, in one place: train's flags are declared with these ranges,
// and TrainConfig.Validate checks configs read from config.json and from checkpoints against the same ones.
namespace Dcgan.Training;

/// <summary>Ranges of the settings a run is made of (see <see cref="TrainConfig"/> for what each means).</summary>
public static class TrainLimits
{
    public static readonly SettingRange Epochs = new(1, 100_000);
    public static readonly SettingRange BatchSize = new(1, 65_536);
    public static readonly SettingRange Limit = new(0, int.MaxValue);
    public static readonly SettingRange NoiseDim = new(1, 4096);
    public static readonly SettingRange LearningRate = new(1e-12, 10);
    public static readonly SettingRange Beta1 = new(0, 0.999999);
    public static readonly SettingRange Beta2 = new(0, 0.9999999);
    public static readonly SettingRange GeneratorEma = new(0, 0.99999);
    public static readonly SettingRange CheckpointEvery = new(1, 100_000);
    public static readonly SettingRange ClassWeight = new(0, 100);
    public static readonly SettingRange LabelSmoothing = new(0, 0.5);
    public static readonly SettingRange EvalEvery = new(0, 100_000);
    public static readonly SettingRange Samples = new(1, 1024);
    public static readonly SettingRange Seed = new(0, int.MaxValue);
    public static readonly SettingRange Threads = new(0, 256);

    /// <summary>Image side: a multiple of 4 in this range (the generators up-sample from side / 4).</summary>
    public static readonly SettingRange ImageSize = new(4, 256);

    /// <summary>Feature maps of the DCGAN paper's models (g-width, d-width).</summary>
    public static readonly SettingRange Width = new(1, 1024);

    /// <summary>Classes of a data set (labels 0 to classes - 1; 0: an image folder without class subfolders).</summary>
    public static readonly SettingRange Classes = new(0, 100_000);

    /// <summary>Image channels: 1 (grayscale) or 3 (RGB).</summary>
    public static readonly IReadOnlyList<int> Channels = [1, 3];
}
