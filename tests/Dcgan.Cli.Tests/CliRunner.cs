// Runs the CLI in-process and captures what it prints, for the command-line tests (CliProcess runs it as a real process).
namespace Dcgan.Cli.Tests;

public static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
