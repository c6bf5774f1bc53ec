using System.Globalization;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>Writes the experiments' numbers as CSV (RFC 4180, invariant culture; an undefined number is an empty cell).</summary>
internal static class ExperimentCsv
{
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', header.Select(Cell)));
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join(',', row.Select(Cell)));
        }
    }

    /// <summary>Mean and sample standard deviation (0 for a single value); NaN values are left out.</summary>
    public static (double Mean, double Sd, int Count) MeanSd(IEnumerable<double> values)
    {
        double[] finite = [.. values.Where(double.IsFinite)];
        if (finite.Length == 0)
        {
            return (double.NaN, double.NaN, 0);
        }

        double mean = finite.Average();
        double sd = finite.Length > 1 ? Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1)) : 0;
        return (mean, sd, finite.Length);
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => double.IsFinite(d) ? d.ToString("0.######", CultureInfo.InvariantCulture) : "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
}
