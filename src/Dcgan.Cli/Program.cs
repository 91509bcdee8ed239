// Entry point of the dcgan tool: picks the verb, parses its flags, and turns every user mistake into
// one line on stderr with a non-zero exit (never a stack trace).
namespace Dcgan.Cli;

using Dcgan.Cli.Commands;

public static class Program
{
    public const string Version = "0.1.0";

    private static readonly (string Verb, string Help)[] Verbs =
    [
        ("train", "Train a DCGAN (the TensorFlow tutorial recipe by default) and write a run folder"),
        ("generate", "Draw images from a trained run or checkpoint"),
        ("export", "Write a trained generator as an ONNX model for other runtimes"),
        ("summary", "Print Keras-style tables of the generator and discriminator"),
        ("bench", "Time the train step and generation on random data"),
        ("data", "Fetch or inspect the data sets: MNIST, Fashion-MNIST, emoji, an image folder"),
        ("evaluate", "Measure a trained generator: FID, KID, precision/recall, class coverage, memorisation (quality.jsonl)"),
        ("experiment", "Run an experiment file's variants and write report.md and report.html"),
        ("compare", "Compare trained runs: recipe, time and quality side by side, and their FID curves on one chart"),
        ("serve", "Serve a web dashboard of the runs: curves, grids, fresh samples, latent walks"),
    ];

    public static int Main(string[] args)
    {
        // A closed terminal fails every write; the run still has to reach its checkpoint (see StopSignals).
        Console.SetOut(new TerminalWriter(Console.Out));
        Console.SetError(new TerminalWriter(Console.Error));
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs one command line; returns the exit code. 0 ok, 1 failure, 2 bad input, 130 stopped.</summary>
    /// <param name="stop">Asks train and experiment to stop as Ctrl-C does (checkpoint, exit 130).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop = default)
    {
        try
        {
            if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
            {
                stdout.Write(MainHelp());
                return args.Length == 0 ? 2 : 0;
            }
            if (args[0] is "--version")
            {
                stdout.WriteLine($"dcgan {Version}");
                return 0;
            }
            string verb = args[0];
            var rest = args.Skip(1).ToArray();
            (OptionSet Options, Func<OptionSet, int> Run, int Positionals) command = verb switch
            {
                "train" => (TrainCommand.Options(), o => TrainCommand.Run(o, stdout, stop), 0),
                "generate" => (GenerateCommand.Options(), o => GenerateCommand.Run(o, stdout), 0),
                "export" => (ExportCommand.Options(), o => ExportCommand.Run(o, stdout), 0),
                "data" => (DataCommand.Options(), o => DataCommand.Run(o, stdout), 1),
                "summary" => (SummaryCommand.Options(), o => SummaryCommand.Run(o, stdout), 0),
                "bench" => (BenchCommand.Options(), o => BenchCommand.Run(o, stdout), 0),
                "evaluate" => (EvaluateCommand.Options(), o => EvaluateCommand.Run(o, stdout), 0),
                "experiment" => (ExperimentCommand.Options(), o => ExperimentCommand.Run(o, stdout, stop), 1),
                "serve" => (ServeCommand.Options(), o => ServeCommand.Run(o, stdout), 0),
                "compare" => (CompareCommand.Options(), o => CompareCommand.Run(o, stdout), CompareCommand.MaxRuns),
                _ => throw new UserError($"unknown command '{verb}' (try: {string.Join(", ", Verbs.Select(v => v.Verb))})"),
            };
            var options = command.Options.Parse(rest, command.Positionals);
            if (options.HelpRequested)
            {
                stdout.Write(options.HelpText());
                return 0;
            }
            UseThreads(options);
            return command.Run(options);
        }
        catch (Exception e) when (e is UserError or Data.DataException or Training.CheckpointException or Training.RunInUseException or Export.ExportException)
        {
            stderr.WriteLine($"dcgan: error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DCGAN_DEBUG") != "1")
        {
            stderr.WriteLine($"dcgan: error: {OneLine(e)}");
            return 1;
        }
    }

    /// <summary>
    /// The one place that sets the kernels' worker count: --threads of the command, or every core. Results do not depend
    /// on it (the kernels split work the same way at any count), so a resumed run may use another count.
    /// </summary>
    private static void UseThreads(OptionSet options)
    {
        if (options.Declares(OptionSet.ThreadsName))
        {
            int threads = options.GetInt(OptionSet.ThreadsName);
            Kernels.Workers.Threads = threads > 0 ? threads : Environment.ProcessorCount;
        }
    }

    private static string OneLine(Exception e)
    {
        var inner = e is AggregateException { InnerException: { } i } ? i : e;
        string message = inner.Message.ReplaceLineEndings(" ");
        return inner is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException
            ? message
            : $"{inner.GetType().Name}: {message}";
    }

    public static string MainHelp()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("dcgan ").Append(Version).Append(": deep convolutional GANs on the CPU, for MNIST, Fashion-MNIST and your own pictures.\n\n");
        sb.Append("Usage: dcgan <command> [options]\n\nCommands:\n");
        int width = Verbs.Max(v => v.Verb.Length) + 2;
        foreach (var (verb, help) in Verbs)
        {
            sb.Append("  ").Append(verb.PadRight(width)).Append(help).Append('\n');
        }
        sb.Append("\nRun 'dcgan <command> --help' for a command's options.\n");
        return sb.ToString();
    }
}
