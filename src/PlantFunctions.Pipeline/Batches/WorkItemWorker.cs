using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The worker role: <c>Plant:Workers:Count</c> loops taking work items from <c>{hub}-workitems</c>.</summary>
internal sealed partial class WorkItemWorker(
    TaskHub hub,
    ShardProcessor processor,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<WorkerOptions> options,
    ILogger<WorkItemWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!plant.Value.ParsedRoles.HasFlag(PlantRoles.Worker))
        {
            return Task.CompletedTask;
        }

        var worker = options.Value;
        LogStarted(logger, worker.Count, hub.WorkItems.Name, worker.VisibilityTimeout);
        return Task.WhenAll(Enumerable.Range(0, worker.Count).Select(_ => Task.Run(() =>
            QueuePoller.RunAsync(hub.WorkItems, worker.VisibilityTimeout, worker.PollInterval, time, logger, processor.ProcessAsync, stoppingToken), stoppingToken)));
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Worker: {Count} work-item loops on queue {Queue} (visibility timeout {Visibility})")]
    private static partial void LogStarted(ILogger logger, int count, string queue, TimeSpan visibility);
}
