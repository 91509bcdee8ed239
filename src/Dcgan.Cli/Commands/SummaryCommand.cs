// `dcgan summary`: Keras-style tables of the generator and the discriminator.
namespace Dcgan.Cli.Commands;

using Dcgan.Engine;
using Dcgan.Models;

/// <summary>Prints model.summary() for both seed models.</summary>
public static class SummaryCommand
{
    public static OptionSet Options() => ModelFlags.Add(new OptionSet("dcgan summary [options]",
        "Print the generator's and the discriminator's layer tables, as Keras's model.summary() does."));

    public static int Run(OptionSet o, TextWriter stdout)
    {
        var gan = new GanPair(ModelFlags.Read(o));
        stdout.WriteLine("Generator");
        stdout.Write(ModelSummary.Render(gan.Generator));
        stdout.WriteLine();
        stdout.WriteLine("Discriminator");
        stdout.Write(ModelSummary.Render(gan.Discriminator));
        return 0;
    }
}
