using System.Globalization;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Cli.Commands;

/// <summary>Shows training progress on the console: a rewritten status line per step, one line per finished epoch.</summary>
internal sealed class ConsoleTrainingProgress : IProgress<TrainingProgress>
{
    private static readonly string[] Shown = ["perplexity", "MAP", "P@5", "P@8", "microF1", "macroF1", "refitNotes"];

    public void Report(TrainingProgress value)
    {
        string metrics = string.Join("  ", value.Metrics.Where(m => Shown.Contains(m.Key)).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F3}")));
        string left = value.Remaining is { } r ? $"  ~{r:hh\\:mm\\:ss} left in stage" : "";
        string loss = double.IsNaN(value.Loss) ? "" : string.Create(CultureInfo.InvariantCulture, $"  loss {value.Loss:F4}");
        if (value.Steps > 0)
        {
            Console.Write($"\r[{value.Phase}] epoch {value.Epoch}/{value.Epochs} step {value.Step}/{value.Steps}{loss}{left}        ");
        }
        else
        {
            Console.WriteLine($"\r[{value.Phase}] epoch {value.Epoch}/{value.Epochs}{loss}  {metrics}{left}        ");
        }
    }
}
