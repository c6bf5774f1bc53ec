using System.Globalization;
using System.Text.Json;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// Trains and evaluates one variant at a time as <c>plant train</c> and <c>plant evaluate</c> child processes, keeping
/// each run's model, checkpoint and metrics under the output's runs folder: a run whose metrics exist is not redone, a
/// model that exists is not retrained, and an interrupted training resumes from its checkpoint.
/// </summary>
internal sealed class ExperimentRuns(ExperimentSettings settings)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>
    /// The metrics of <paramref name="variant"/> trained with <paramref name="seed"/> on <paramref name="trainingData"/>
    /// (the prior-only scorer learns from <paramref name="priorTraining"/> instead), starting from the language model of
    /// <paramref name="languageModelFrom"/> when given; and the run's checkpoint, whose language model others may share.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, double> Metrics, string? Checkpoint)> RunAsync(string name, ExperimentVariant variant, int seed,
        IReadOnlyList<string> trainingData, IReadOnlyList<string> priorTraining, string? languageModelFrom, CancellationToken cancellationToken)
    {
        if (!variant.Trained && variant.TrainFlags.Length > 0)
        {
            throw new ArgumentException($"variant '{variant.Name}' is scored by plant experiment cv only");
        }

        Directory.CreateDirectory(settings.Runs);
        string metrics = Path.Combine(settings.Runs, name + ".metrics.json");
        string model = Path.Combine(settings.Runs, name + ".plant");
        string checkpoint = model + ".ckpt";
        if (!File.Exists(metrics))
        {
            string pending = metrics + ".tmp";
            if (variant.Trained)
            {
                if (!File.Exists(model))
                {
                    string[] lm = languageModelFrom is null || File.Exists(checkpoint) ? [] : ["--lm-from", languageModelFrom];
                    await PlantProcess.RunAsync(["train", .. trainingData, .. settings.TrainArguments, "--seed", seed.ToString(CultureInfo.InvariantCulture),
                        .. variant.TrainFlags, .. lm, "--out", model, "--checkpoint", checkpoint], cancellationToken).ConfigureAwait(false);
                }

                await PlantProcess.RunAsync(["evaluate", "--model", model, .. settings.EvaluateArguments, "--json", pending], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await PlantProcess.RunAsync(["evaluate", "--baseline-prior", .. priorTraining, .. settings.EvaluateArguments, "--json", pending], cancellationToken).ConfigureAwait(false);
            }

            File.Move(pending, metrics, overwrite: true);
        }

        var systems = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(File.ReadAllBytes(metrics), Json);
        return systems is { Count: 1 }
            ? (systems.Values.Single(), variant.Trained && File.Exists(checkpoint) ? checkpoint : null)
            : throw new InvalidDataException($"{metrics}: expected the metrics of one system");
    }

    /// <summary>A metric of a run, NaN when it is undefined there (plant evaluate leaves those out).</summary>
    public static double Metric(IReadOnlyDictionary<string, double> metrics, string name) => metrics.TryGetValue(name, out double value) ? value : double.NaN;
}
