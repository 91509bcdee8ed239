// The fixed split of an image folder (or the emoji set) for its quality classifier: within each class, in the data
// set's own order (path order for a folder), the 10th, 20th, 30th, ... image is held out and the rest are trained on.
// The split depends only on the images and their labels, so the same folder always splits the same way, and every
// class with ten images or more has a tenth of them held out.
namespace Dcgan.Quality;

using Dcgan.Data;

/// <summary>The 90 % / 10 % split of an image folder's images.</summary>
public static class FolderSplit
{
    /// <summary>One image in this many of each class is held out.</summary>
    public const int HeldOutEvery = 10;

    /// <summary>Indices of the training part and of the held-out part, each ascending.</summary>
    public static (int[] Train, int[] HeldOut) Indices(ImageDataset data)
    {
        var seen = new int[data.Classes];
        var train = new List<int>(data.Count);
        var heldOut = new List<int>(data.Count / HeldOutEvery + 1);
        for (int i = 0; i < data.Count; i++)
        {
            int label = data.Labels[i];
            (++seen[label] % HeldOutEvery == 0 ? heldOut : train).Add(i);
        }
        return (train.ToArray(), heldOut.ToArray());
    }

    /// <summary>A copy of the images <paramref name="indices"/> of <paramref name="data"/>, with their labels and the set's classes.</summary>
    public static ImageDataset Subset(ImageDataset data, IReadOnlyList<int> indices)
    {
        int size = data.ImageSize;
        var pixels = new byte[(long)indices.Count * size];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            data.Image(indices[i]).CopyTo(pixels.AsSpan(i * size, size));
            labels[i] = data.Labels[indices[i]];
        }
        return new ImageDataset(data.Name, data.Source, data.Split, data.Height, data.Width, pixels, labels, data.Channels, data.Classes, data.ClassNames);
    }
}
