using System.Globalization;
using System.Text;

namespace Buurtzorg.Simulator;

/// <summary>Reads series out of a scrape in Prometheus' text exposition format: only what the simulator needs.</summary>
public static class PrometheusText
{
    /// <summary>Every sample of <paramref name="metric"/> (the exact series name) in the scrape: its labels and value.</summary>
    public static IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string exposition, string metric)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length) continue;
            IReadOnlyDictionary<string, string> labels;
            string rest;
            if (line[metric.Length] == '{')
            {
                var labelsEnd = LabelsEnd(line, metric.Length + 1);
                if (labelsEnd < 0) continue;
                labels = Labels(line[(metric.Length + 1)..labelsEnd]);
                rest = line[(labelsEnd + 1)..];
            }
            else if (line[metric.Length] == ' ')
            {
                labels = new Dictionary<string, string>(StringComparer.Ordinal);
                rest = line[metric.Length..];
            }
            else
            {
                continue; // a longer name that starts with this one
            }
            var value = rest.Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) yield return (labels, number);
        }
    }

    /// <summary>The closing brace of the label set, skipping braces inside quoted values.</summary>
    private static int LabelsEnd(string line, int from)
    {
        var quoted = false;
        for (var i = from; i < line.Length; i++)
        {
            if (quoted && line[i] == '\\') i++;
            else if (line[i] == '"') quoted = !quoted;
            else if (!quoted && line[i] == '}') return i;
        }
        return -1;
    }

    private static Dictionary<string, string> Labels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var equals = text.IndexOf('=', i);
            if (equals < 0 || equals + 1 >= text.Length || text[equals + 1] != '"') break;
            var name = text[i..equals].Trim();
            var value = new StringBuilder();
            for (i = equals + 2; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length)
                    value.Append(text[++i] switch { 'n' => '\n', var c => c });
                else
                    value.Append(text[i]);
            }
            labels[name] = value.ToString();
            i = text.IndexOf(',', i) is var comma and >= 0 ? comma + 1 : text.Length;
        }
        return labels;
    }
}
