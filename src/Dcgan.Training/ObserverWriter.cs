// A TextWriter that hands each line to a training observer, so helpers that log to a writer (the quality
// classifier's first training, for one) show up in the trainer's output.
namespace Dcgan.Training;

using System.Text;

/// <summary>Forwards written lines to <see cref="ITrainingObserver.Message"/>.</summary>
public sealed class ObserverWriter(ITrainingObserver observer) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            Flush();
        }
        else if (value != '\r')
        {
            _line.Append(value);
        }
    }

    public override void Flush()
    {
        if (_line.Length > 0)
        {
            observer.Message(_line.ToString());
            _line.Clear();
        }
    }
}
