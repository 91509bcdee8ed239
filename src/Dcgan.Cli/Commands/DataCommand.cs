// `dcgan data fetch|info`: get the data sets ahead of training, or see where they are and if they check out.
namespace Dcgan.Cli.Commands;

using Dcgan.Data;

/// <summary>Data set management.</summary>
public static class DataCommand
{
    public static OptionSet Options() => new OptionSet("dcgan data fetch|info [options]",
        "fetch: find or download a data set into the cache, verifying every file's SHA-256.\n" +
        "info: list each data set, where it was found, its counts and checksum status.")
        .Choice("dataset", "mnist", "Data set", "mnist", "fashion-mnist")
        .Text("data-dir", null, "Folder with the four IDX files (raw or .gz) or a Keras .npz");

    public static int Run(OptionSet o, TextWriter stdout)
    {
        if (o.Positionals.Count != 1 || o.Positionals[0] is not ("fetch" or "info"))
        {
            throw new UserError("data needs a subcommand: fetch or info (see dcgan data --help)");
        }
        string? dir = o.GetText("data-dir") is { } d ? Path.GetFullPath(d) : null;
        if (dir is not null && !Directory.Exists(dir) && !File.Exists(dir))
        {
            throw new UserError($"--data-dir {dir} does not exist");
        }
        var locations = DataLocations.FromEnvironment(dir);
        if (o.Positionals[0] == "info")
        {
            foreach (string line in DatasetReport.Lines(locations, o.Has("dataset") ? o.GetText("dataset") : null))
            {
                stdout.WriteLine(line);
            }
            return 0;
        }
        var resolver = new DatasetResolver(locations);
        var spec = DatasetSpec.Get(o.GetText("dataset")!);
        var location = resolver.Resolve(spec, stdout, fetch: true);
        var train = location.Load(DataSplit.Train, stdout, verify: true);
        stdout.WriteLine($"{spec.Name}: {train.Count:N0} training images at {location.Description}");
        return 0;
    }
}
