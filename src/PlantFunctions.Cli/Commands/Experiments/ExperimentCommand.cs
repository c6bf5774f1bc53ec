using System.CommandLine;
using System.Text.Json;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary><c>plant experiment</c>: the PLANT paper's experiments on a corpus, each written as CSV and PNG.</summary>
internal static class ExperimentCommand
{
    internal static Command Create() =>
        new("experiment", "Reproduce the PLANT paper's experiments (training curves, frequency buckets, ablations, data efficiency) as CSV + PNG")
        {
            CurvesCommand.Create(),
            BucketsCommand.Create(),
            AblationsCommand.Create(),
            DataEfficiencyCommand.Create(),
            CvCommand.Create(),
        };

    /// <summary>Runs a subcommand's work; a bad input or a failed child run ends it with a one-line message and exit code 1.</summary>
    internal static async Task<int> Guard(string name, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or InvalidOperationException or JsonException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"plant experiment {name}: {ex.Message}");
            return 1;
        }
    }
}
