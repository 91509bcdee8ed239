// The one exception type the CLI turns into "dcgan: error: ..." and exit code 2: bad flags, files, runs.
namespace Dcgan.Cli;

/// <summary>A mistake in what the user asked for; its message is printed as one line.</summary>
public sealed class UserError(string message) : Exception(message);
