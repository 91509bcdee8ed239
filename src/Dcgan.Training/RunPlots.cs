// The names of a run's plots: each is written as NAME.png (800 x 400 pixels) and NAME.svg after every epoch.
namespace Dcgan.Training;

/// <summary>File names (without extension) of the plots in a run folder.</summary>
public static class RunPlots
{
    /// <summary>Generator and discriminator loss per step (smoothed over the raw values) and per epoch.</summary>
    public const string Losses = "losses";

    /// <summary>The discriminator's outputs on real and generated images in the last epoch.</summary>
    public const string Histogram = "d_hist";

    /// <summary>The discriminator's accuracy on real and on generated images per epoch.</summary>
    public const string Accuracy = "d_accuracy";

    /// <summary>FID per measured epoch (train --eval-every).</summary>
    public const string Fid = "fid";

    /// <summary>KID per measured epoch.</summary>
    public const string Kid = "kid";

    /// <summary>Precision and recall per measured epoch.</summary>
    public const string PrecisionRecall = "precision_recall";

    /// <summary>Each class's share of the generated images at the last measured epoch (written by the quality probe).</summary>
    public const string ClassShares = "class_shares";

    /// <summary>Training seconds per epoch.</summary>
    public const string EpochTimes = "epoch_times";
}
