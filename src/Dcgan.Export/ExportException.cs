// The one exception type of an export that the user can act on: a generator the exporter cannot express, or an output
// file that cannot be written; its message is one line and names the user's path.
namespace Dcgan.Export;

/// <summary>An export that cannot be done, said on one line.</summary>
public sealed class ExportException(string message, Exception? inner = null) : Exception(message, inner);
