// One of the four standard files of an MNIST-style set, with the checksum of its raw (uncompressed) IDX form;
// the checksum covers content rather than bytes on disk so the raw file, any gzip of it and an .npz member all verify.
namespace Dcgan.Data;

/// <summary>A standard data file: its IDX name, what it holds, and its pinned content SHA-256 (null when unknown).</summary>
public sealed record DataFile(string FileName, DataSplit Split, bool IsLabels, string? Sha256)
{
    /// <summary>The member name Keras uses in .npz archives: x_train, y_train, x_test, y_test.</summary>
    public string NpzMember => (IsLabels ? "y_" : "x_") + (Split == DataSplit.Train ? "train" : "test");

    /// <summary>The IDX magic this file must carry.</summary>
    public int Magic => IsLabels ? IdxReader.LabelsMagic : IdxReader.ImagesMagic;
}
