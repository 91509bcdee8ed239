// A place where a complete copy of a data set was found (the four IDX files, raw or gzip, or a Keras-style .npz)
// and the loading of its splits into memory, with the structural checks that make a bad file a clear error.
namespace Dcgan.Data;

/// <summary>A found copy of a data set and how to load it.</summary>
public sealed class DatasetLocation
{
    private readonly IReadOnlyDictionary<string, string> _files;

    private DatasetLocation(DatasetSpec spec, string path, string origin, bool isNpz, IReadOnlyDictionary<string, string> files)
    {
        Spec = spec;
        Path = path;
        Origin = origin;
        IsNpz = isNpz;
        _files = files;
    }

    public DatasetSpec Spec { get; }

    /// <summary>The folder holding the IDX files, or the .npz file.</summary>
    public string Path { get; }

    /// <summary>How it was found: "data dir", "cache" or "known location".</summary>
    public string Origin { get; }

    public bool IsNpz { get; }

    /// <summary>Path and origin, for messages.</summary>
    public string Description => $"{Path} ({Origin})";

    /// <summary>The file path holding a standard file (the .npz itself for archives).</summary>
    public string PathOf(DataFile file) => IsNpz ? Path : _files[file.FileName];

    /// <summary>An .npz archive location (not checked until loaded).</summary>
    public static DatasetLocation Npz(DatasetSpec spec, string path, string origin) =>
        new(spec, path, origin, true, new Dictionary<string, string>());

    /// <summary>
    /// The IDX location in <paramref name="folder"/> if all four files are there (each raw or .gz, raw preferred);
    /// otherwise null, with <paramref name="missing"/> naming the absent files when some but not all exist.
    /// </summary>
    public static DatasetLocation? Idx(DatasetSpec spec, string folder, string origin, out IReadOnlyList<string> missing)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var absent = new List<string>();
        foreach (DataFile f in spec.Files)
        {
            string raw = System.IO.Path.Combine(folder, f.FileName);
            string gz = raw + ".gz";
            if (File.Exists(raw))
            {
                files[f.FileName] = raw;
            }
            else if (File.Exists(gz))
            {
                files[f.FileName] = gz;
            }
            else
            {
                absent.Add(f.FileName + "[.gz]");
            }
        }
        missing = absent.Count == spec.Files.Count ? [] : absent;
        return absent.Count == 0 ? new DatasetLocation(spec, folder, origin, false, files) : null;
    }

    /// <summary>
    /// Loads one split, checking shape, image size, label count and label range. With <paramref name="verify"/>,
    /// content checksums are compared too and a mismatch is reported to <paramref name="log"/> as a warning
    /// (a user's own copy may legitimately differ; structure errors throw).
    /// </summary>
    public ImageDataset Load(DataSplit split, TextWriter? log = null, bool verify = false)
    {
        (ByteTensor images, ByteTensor labels, string imagesName, string labelsName) = ReadSplit(split);
        if (verify && log is not null)
        {
            foreach ((DataFile file, ByteTensor tensor, string name) in new[] { (Spec.File(split, false), images, imagesName), (Spec.File(split, true), labels, labelsName) })
            {
                if (file.Sha256 is { } pinned && tensor.IdxSha256() != pinned)
                {
                    log.WriteLine($"warning: {name}: content differs from the pinned {Spec.Name} checksum; using it anyway");
                }
            }
        }
        return new ImageDataset(Spec.Name, Description, split, images.Shape[1], images.Shape[2], images.Data, labels.Data);
    }

    /// <summary>Checks all four files: structure and content checksums, never throwing for a bad file.</summary>
    public IReadOnlyList<FileCheck> Verify()
    {
        var checks = new List<FileCheck>();
        foreach (DataSplit split in new[] { DataSplit.Train, DataSplit.Test })
        {
            DataFile imagesFile = Spec.File(split, false);
            DataFile labelsFile = Spec.File(split, true);
            try
            {
                (ByteTensor images, ByteTensor labels, _, _) = ReadSplit(split);
                checks.Add(Check(imagesFile, images));
                checks.Add(Check(labelsFile, labels));
            }
            catch (DataException e)
            {
                checks.Add(new FileCheck(imagesFile, PathOf(imagesFile), "error", "", e.Message));
                checks.Add(new FileCheck(labelsFile, PathOf(labelsFile), "error", "", e.Message));
            }
        }
        return checks;
    }

    private FileCheck Check(DataFile file, ByteTensor tensor)
    {
        string status = file.Sha256 is null ? "unpinned" : tensor.IdxSha256() == file.Sha256 ? "ok" : "MISMATCH";
        return new FileCheck(file, PathOf(file), status, tensor.ShapeText, null);
    }

    private (ByteTensor Images, ByteTensor Labels, string ImagesName, string LabelsName) ReadSplit(DataSplit split)
    {
        DataFile imagesFile = Spec.File(split, false);
        DataFile labelsFile = Spec.File(split, true);
        ByteTensor images, labels;
        string imagesName, labelsName;
        if (IsNpz)
        {
            IReadOnlyDictionary<string, ByteTensor> members = NpzReader.Read(Path, imagesFile.NpzMember, labelsFile.NpzMember);
            images = members[imagesFile.NpzMember];
            labels = members[labelsFile.NpzMember];
            imagesName = $"{Path}[{imagesFile.NpzMember}]";
            labelsName = $"{Path}[{labelsFile.NpzMember}]";
            if (images.Shape.Length != 3)
            {
                throw new DataException($"{imagesName}: images must have 3 dimensions (count, rows, columns), found shape {images.ShapeText}");
            }
            if (labels.Shape.Length != 1)
            {
                throw new DataException($"{labelsName}: labels must have 1 dimension, found shape {labels.ShapeText}");
            }
        }
        else
        {
            imagesName = _files[imagesFile.FileName];
            labelsName = _files[labelsFile.FileName];
            images = IdxReader.ReadImages(imagesName);
            labels = IdxReader.ReadLabels(labelsName);
        }

        if (images.Shape[1] != Spec.Height || images.Shape[2] != Spec.Width)
        {
            throw new DataException($"{imagesName}: images are {images.Shape[1]}x{images.Shape[2]}, {Spec.Name} expects {Spec.Height}x{Spec.Width}");
        }
        if (labels.Shape[0] != images.Shape[0])
        {
            throw new DataException($"{labelsName}: {labels.Shape[0]} labels but {imagesName} has {images.Shape[0]} images");
        }
        int bad = labels.Data.AsSpan().IndexOfAnyInRange((byte)Spec.Classes, byte.MaxValue);
        if (bad >= 0)
        {
            throw new DataException($"{labelsName}: label {labels.Data[bad]} at index {bad} is out of range 0-{Spec.Classes - 1}");
        }
        return (images, labels, imagesName, labelsName);
    }
}
