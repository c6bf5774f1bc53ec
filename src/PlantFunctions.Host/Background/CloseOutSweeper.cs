using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Host.Background;

/// <summary>
/// The local stand-in for the Functions app's timer trigger: every <c>Plant:Batches:SweepInterval</c>, starts the
/// close-out of terminated batches that have none (terminated through the engine's own terminate URL) and marks
/// terminated training jobs stopped.
/// </summary>
internal sealed partial class CloseOutSweeper(
    DurableTaskClient client,
    BatchStarter batches,
    TrainingStarter training,
    TimeProvider time,
    IOptions<LocalHostOptions> host,
    IOptions<BatchOptions> options,
    ILogger<CloseOutSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!host.Value.ParsedRoles.HasFlag(PlantRoles.Api))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SweepInterval, time, stoppingToken).ConfigureAwait(false);
                int closing = await batches.CloseOutTerminatedAsync(client, stoppingToken).ConfigureAwait(false);
                await training.StopTerminatedAsync(client, stoppingToken).ConfigureAwait(false);
                if (closing > 0)
                {
                    LogSwept(logger, closing);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepError(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 2600, Level = LogLevel.Information, Message = "Started the close-out of {Count} terminated batches")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Error, Message = "The close-out sweep failed; it runs again at the next interval")]
    private static partial void LogSweepError(ILogger logger, Exception exception);
}
