using System.CommandLine;
using System.Text.Json;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// <c>plant experiment buckets</c>: macro-F1 by how often a code was seen in training (never, for the codes a label space
/// adds; 1-5, 6-50, &gt;50 times), per
/// system, from the JSON <c>plant evaluate --json</c> writes; buckets.csv and a grouped bar chart buckets.png.
/// </summary>
internal static class BucketsCommand
{
    private const string Prefix = "macroF1[";

    internal static Command Create()
    {
        var results = new Option<string>("--results") { Description = "The JSON plant evaluate --json wrote (system name -> metrics)", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for buckets.csv and buckets.png", DefaultValueFactory = _ => "experiments" };
        var command = new Command("buckets", "Macro-F1 by code frequency (seen 1-5, 6-50, >50 times) per system, from plant evaluate --json (CSV + PNG)") { results, output };
        command.SetAction((parse, _) => ExperimentCommand.Guard("buckets", () =>
        {
            string path = parse.GetValue(results)!;
            var systems = Read(path);
            // Buckets in the order plant evaluate writes them (rarest first).
            string[] buckets = [.. systems.Values.SelectMany(m => m.Keys).Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) && k.EndsWith(']')).Distinct()];
            if (buckets.Length == 0)
            {
                throw new InvalidDataException($"{path}: no system has {Prefix}...] metrics (write them with plant evaluate --json)");
            }

            string folder = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
            string csv = Path.Combine(folder, "buckets.csv");
            string png = Path.Combine(folder, "buckets.png");
            ExperimentCsv.Write(csv, ["system", .. buckets], systems.Select(s => (IReadOnlyList<object?>)[s.Key, .. buckets.Select(b => (object)Value(s.Value, b))]));
            ExperimentCharts.GroupedBars(png, "Macro-F1 by how often a code was seen in training", "macro-F1",
                [.. buckets.Select(b => b[Prefix.Length..^1] is "unseen" ? "never seen (label space)" : $"seen {b[Prefix.Length..^1]} times")],
                [.. systems.Select(s => new BarSeries(s.Key, [.. buckets.Select(b => Value(s.Value, b))]))]);
            Console.WriteLine($"wrote {csv} ({systems.Count} systems, {buckets.Length} buckets) and {png}");
            return Task.CompletedTask;
        }));
        return command;
    }

    private static Dictionary<string, Dictionary<string, double>> Read(string path)
    {
        var options = new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        var systems = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(File.ReadAllBytes(path), options);
        return systems is { Count: > 0 } ? systems : throw new InvalidDataException($"{path}: no system in it");
    }

    private static double Value(Dictionary<string, double> metrics, string key) => metrics.TryGetValue(key, out double value) ? value : double.NaN;
}
