// The two halves every MNIST-style set ships: 60,000-style training and 10,000-style test images.
namespace Dcgan.Data;

/// <summary>Which half of a data set.</summary>
public enum DataSplit
{
    Train,
    Test,
}
