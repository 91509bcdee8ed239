// A mistake in an experiment file (bad JSON, unknown key or flag, bad reference), reported as one line.
namespace Dcgan.Experiments;

/// <summary>The experiment file cannot be used as written; the message names the file and the place.</summary>
public sealed class ExperimentFileException(string message) : Exception(message);
