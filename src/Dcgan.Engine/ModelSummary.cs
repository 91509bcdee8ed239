// model.summary() as Keras 3 prints it: a boxed table of "name (Class)", output shape (None, ...),
// parameter count with thousands separators, then totals with their size at 4 bytes a parameter.
namespace Dcgan.Engine;

using System.Globalization;
using System.Text;

/// <summary>Renders a Keras-style summary of a <see cref="Sequential"/> model.</summary>
public static class ModelSummary
{
    private const int NameWidth = 31, ShapeWidth = 22, ParamWidth = 13;

    public static string Render(Sequential model)
    {
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(model.Name).Append("\"\n");
        sb.Append('┏').Append('━', NameWidth + 2).Append('┳').Append('━', ShapeWidth + 2).Append('┳').Append('━', ParamWidth + 2).Append("┓\n");
        sb.Append("┃ ").Append(Pad("Layer (type)", NameWidth)).Append(" ┃ ").Append(Pad("Output Shape", ShapeWidth))
          .Append(" ┃ ").Append("Param #".PadLeft(ParamWidth)).Append(" ┃\n");
        sb.Append('┡').Append('━', NameWidth + 2).Append('╇').Append('━', ShapeWidth + 2).Append('╇').Append('━', ParamWidth + 2).Append("┩\n");
        foreach (var layer in model.Layers)
        {
            long count = layer.Parameters.Sum(p => (long)p.Length);
            string shape = "(None, " + string.Join(", ", layer.OutputShape) + ")";
            var nameLines = Wrap($"{layer.Name} ({layer.ClassName})", NameWidth);
            for (int i = 0; i < nameLines.Count; i++)
            {
                sb.Append("│ ").Append(Pad(nameLines[i], NameWidth)).Append(" │ ").Append(Pad(i == 0 ? shape : "", ShapeWidth))
                  .Append(" │ ").Append((i == 0 ? Thousands(count) : "").PadLeft(ParamWidth)).Append(" │\n");
            }
        }
        sb.Append('└').Append('─', NameWidth + 2).Append('┴').Append('─', ShapeWidth + 2).Append('┴').Append('─', ParamWidth + 2).Append("┘\n");
        sb.Append(" Total params: ").Append(CountWithSize(model.ParameterCount)).Append('\n');
        sb.Append(" Trainable params: ").Append(CountWithSize(model.TrainableCount)).Append('\n');
        sb.Append(" Non-trainable params: ").Append(CountWithSize(model.NonTrainableCount)).Append('\n');
        return sb.ToString();
    }

    /// <summary>"2,330,944 (8.89 MB)": the count and its float32 size in the largest unit below 1024.</summary>
    public static string CountWithSize(long count) => $"{Thousands(count)} ({Size(count * 4)})";

    /// <summary>Bytes as Keras writes them: 99.50 KB, 8.89 MB, 0.00 B.</summary>
    public static string Size(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        int u = 0;
        while (bytes >= 1024 && u < units.Length - 1)
        {
            bytes /= 1024;
            u++;
        }
        return bytes.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[u];
    }

    public static string Thousands(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Pad(string s, int width) => s.Length >= width ? s : s.PadRight(width);

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        string current = "";
        foreach (string word in text.Split(' '))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                lines.Add(current);
                current = word;
            }
            else
            {
                current = current.Length == 0 ? word : current + " " + word;
            }
        }
        lines.Add(current);
        return lines;
    }
}
