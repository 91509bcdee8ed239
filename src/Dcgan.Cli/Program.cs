// Entry point of the dcgan command-line tool.
namespace Dcgan.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("dcgan");
        return 0;
    }
}
