// The outcome of checking one data file against its pinned content checksum, for `dcgan data info`.
namespace Dcgan.Data;

/// <summary>Checksum status of one data file: Status is "ok", "MISMATCH", "unpinned" or "error".</summary>
public sealed record FileCheck(DataFile File, string Path, string Status, string Shape, string? Detail);
