using System.CommandLine;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// <c>plant experiment curves</c> (the paper's Figure 5): per classifier epoch the training loss, the validation loss
/// and validation MAP of a finished or running training, from its checkpoint; curves.csv (language-model epochs too)
/// and curves.png.
/// </summary>
internal static class CurvesCommand
{
    internal static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A training checkpoint (<model>.plant.ckpt), finished or still being written", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for curves.csv and curves.png", DefaultValueFactory = _ => "experiments" };
        var command = new Command("curves", "Training curves from a checkpoint: training loss, validation loss and MAP per epoch (CSV + PNG)") { checkpoint, output };
        command.SetAction((parse, _) => ExperimentCommand.Guard("curves", () =>
        {
            var history = TrainingHistory.From(TrainingCheckpoint.FromBytes(File.ReadAllBytes(parse.GetValue(checkpoint)!)));
            if (history.Classifier.Count == 0 && history.LanguageModel.Count == 0)
            {
                throw new InvalidDataException($"{parse.GetValue(checkpoint)}: no finished epoch yet (the run is in its {history.Phase} stage)");
            }

            string folder = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
            string csv = Path.Combine(folder, "curves.csv");
            string png = Path.Combine(folder, "curves.png");
            WriteCsv(csv, history);
            Plot(png, history);
            Console.WriteLine($"wrote {csv} ({history.LanguageModel.Count} language-model and {history.Classifier.Count} classifier epochs) and {png}");
            return Task.CompletedTask;
        }));
        return command;
    }

    /// <summary>
    /// One row per epoch. Classifier rows: trainLoss as the trainer reports it (binary cross-entropy summed over codes,
    /// mean over notes), trainLossPerCode the same per code, validationLoss per note and code (comparable to the
    /// latter). Language-model rows: cross-entropy per token, validationLoss = ln(perplexity).
    /// </summary>
    private static void WriteCsv(string path, TrainingHistory history)
    {
        var rows = history.LanguageModel.Select(e => (IReadOnlyList<object?>)["lm", e.Epoch, e.TrainLoss, null, Math.Log(e.ValidationPerplexity), null, e.ValidationPerplexity, null, null])
            .Concat(history.Classifier.Select(e => (IReadOnlyList<object?>)["classifier", e.Epoch, e.TrainLoss, PerCode(e.TrainLoss, history.Codes),
                Get(e, ClassifierTrainer.LossMetric), Get(e, ClassifierTrainer.SelectionMetric), null, e.Epoch == history.BestEpoch, e.Seconds]));
        ExperimentCsv.Write(path, ["stage", "epoch", "trainLoss", "trainLossPerCode", "validationLoss", "validationMAP", "validationPerplexity", "best", "seconds"], rows);
    }

    private static void Plot(string path, TrainingHistory history)
    {
        if (history.Classifier.Count == 0)
        {
            double[] epochs = [.. history.LanguageModel.Select(e => (double)e.Epoch)];
            ExperimentCharts.Lines(path, "Language model (no classifier epoch yet)", "epoch", "cross-entropy per token",
                [new("training loss", epochs, [.. history.LanguageModel.Select(e => e.TrainLoss)]),
                 new("validation loss", epochs, [.. history.LanguageModel.Select(e => Math.Log(e.ValidationPerplexity))])],
                integerTicks: true);
            return;
        }

        double[] x = [.. history.Classifier.Select(e => (double)e.Epoch)];
        string best = history.BestEpoch is { } b ? $" (best epoch {b})" : "";
        ExperimentCharts.Lines(path, $"PLANT classifier training{best}", "epoch", "binary cross-entropy per note and code",
            [new("training loss", x, [.. history.Classifier.Select(e => PerCode(e.TrainLoss, history.Codes))]),
             new("validation loss", x, [.. history.Classifier.Select(e => Get(e, ClassifierTrainer.LossMetric))])],
            "validation MAP", [new("validation MAP", x, [.. history.Classifier.Select(e => Get(e, ClassifierTrainer.SelectionMetric))])],
            integerTicks: true);
    }

    private static double PerCode(double loss, int? codes) => codes is > 0 ? loss / codes.Value : double.NaN;

    private static double Get(ClassifierTrainer.EpochResult epoch, string metric) => epoch.Validation.TryGetValue(metric, out double value) ? value : double.NaN;
}
