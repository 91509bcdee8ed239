// One plot of a run folder: its file name (NAME.png and NAME.svg), its heading in report.html and what it shows.
namespace Dcgan.Training;

using Dcgan.Reporting;

/// <summary>A chart a run writes as <see cref="Name"/>.png and <see cref="Name"/>.svg and shows in report.html under <see cref="Heading"/>.</summary>
public sealed record RunChart(string Name, string Heading, Chart Chart);
