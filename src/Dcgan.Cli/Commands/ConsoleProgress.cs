// Training progress for people: a redrawn bar with step count, ETA and running losses on a terminal,
// and a few plain lines per epoch when output goes to a file or pipe.
namespace Dcgan.Cli.Commands;

using System.Diagnostics;
using System.Globalization;
using Dcgan.Models;
using Dcgan.Training;

/// <summary>Writes training progress to a TextWriter.</summary>
public sealed class ConsoleProgress(TextWriter output) : ITrainingObserver
{
    private readonly bool _interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private readonly Stopwatch _clock = new();
    private int _epoch = -1;
    private double _g, _d;
    private int _lastQuarter;

    public void OnStep(int epoch, int step, int stepsPerEpoch, in StepResult result)
    {
        if (epoch != _epoch)
        {
            _epoch = epoch;
            _clock.Restart();
            _g = result.GeneratorLoss;
            _d = result.DiscriminatorLoss;
            _lastQuarter = 0;
        }
        // Exponential moving averages keep the shown losses readable.
        _g = 0.9 * _g + 0.1 * result.GeneratorLoss;
        _d = 0.9 * _d + 0.1 * result.DiscriminatorLoss;
        double perStep = _clock.Elapsed.TotalSeconds / Math.Max(1, step);
        double eta = perStep * (stepsPerEpoch - step);
        string text = string.Create(CultureInfo.InvariantCulture,
            $"Epoch {epoch} {Bar(step, stepsPerEpoch)} {step}/{stepsPerEpoch} ETA {eta:0}s  g_loss {_g:0.000}  d_loss {_d:0.000}");
        if (_interactive)
        {
            output.Write("\r" + text.PadRight(Math.Max(0, Console.WindowWidth - 1)));
            if (step == stepsPerEpoch)
            {
                output.WriteLine();
            }
        }
        else
        {
            int quarter = step * 4 / stepsPerEpoch;
            if (quarter > _lastQuarter && stepsPerEpoch >= 8)
            {
                _lastQuarter = quarter;
                output.WriteLine(text);
            }
        }
    }

    public void OnEpoch(EpochMetrics m) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Epoch {m.Epoch}: g_loss {m.GeneratorLoss:0.0000}  d_loss {m.DiscriminatorLoss:0.0000}  D(real) acc {m.RealAccuracy:P1}  D(fake) acc {m.FakeAccuracy:P1}  {m.ImagesPerSecond:0} images/s"));

    public void Message(string line)
    {
        output.WriteLine(line);
    }

    private static string Bar(int step, int steps)
    {
        const int width = 24;
        int filled = steps == 0 ? width : step * width / steps;
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }
}
