// What a quality classifier learned, which decides what its outputs mean: the data set's own classes, or (for an image
// folder without classes) the self-supervised rotation task of RotNet (Gidaris et al. 2018).
namespace Dcgan.Quality;

/// <summary>The task a <see cref="Classifier"/> was trained on.</summary>
public enum ClassifierTask
{
    /// <summary>The data set's labels: outputs are its K classes.</summary>
    Classes,

    /// <summary>Rotation prediction: outputs are the turns 0, 90, 180 and 270 degrees (see <see cref="RotationTask"/>).</summary>
    Rotation,
}
