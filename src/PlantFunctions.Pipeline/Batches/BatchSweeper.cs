using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The coordinator's recovery sweep over unfinished batches: runs the fan-in of a batch whose shards are all done but
/// which is still Running (its fan-in crashed midway), and re-sends the planning message or the unfinished shards' work
/// items of a batch without progress for <c>StallTimeout</c> (a lost message). Duplicates are harmless by design.
/// </summary>
internal sealed partial class BatchSweeper(
    TaskHub hub,
    BatchStore store,
    BatchService batches,
    BatchFinisher finisher,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<BatchOptions> options,
    ILogger<BatchSweeper> logger) : BackgroundService
{
    /// <summary>One pass over the unfinished batches.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stall = options.Value.StallTimeout;
        await foreach (var batch in store.ListUnfinishedBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await SweepBatchAsync(batch, now, stall, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepError(logger, ex, batch.BatchId);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!plant.Value.ParsedRoles.HasFlag(PlantRoles.Coordinator))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SweepInterval, time, stoppingToken).ConfigureAwait(false);
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepError(logger, ex, "*");
            }
        }
    }

    private async Task SweepBatchAsync(BatchEntity batch, DateTimeOffset now, TimeSpan stall, CancellationToken cancellationToken)
    {
        var status = RuntimeStatusExtensions.ParseStatus(batch.Status);
        if (status == RuntimeStatus.Terminated)
        {
            // Terminated before planning finished: the planner may still be writing shard inputs; wait it out first.
            if (batch.StartedTime is null && now - batch.LastUpdatedTime <= stall)
            {
                return;
            }

            await finisher.CloseTerminatedAsync(batch.BatchId, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (status == RuntimeStatus.Pending)
        {
            if (now - batch.LastUpdatedTime > stall)
            {
                LogResent(logger, batch.BatchId, "planning message", 1);
                await batches.SendPlanAsync(batch.BatchId, cancellationToken).ConfigureAwait(false);
                await store.UpdateBatchAsync(batch.BatchId, _ => true, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var progress = await store.GetProgressAsync(batch.BatchId, cancellationToken).ConfigureAwait(false);
        if (progress is null)
        {
            return;
        }

        if (progress.ShardsDone >= batch.ShardCount)
        {
            var result = await finisher.FinishAsync(batch.BatchId, cancellationToken).ConfigureAwait(false);
            LogRecoveredFanIn(logger, batch.BatchId, result.WroteSummary);
            return;
        }

        var lastActivity = progress.LastProgressTime > batch.LastUpdatedTime ? progress.LastProgressTime : batch.LastUpdatedTime;
        if (now - lastActivity <= stall)
        {
            return;
        }

        var unfinished = (await store.ListShardsAsync(batch.BatchId, cancellationToken).ConfigureAwait(false))
            .Where(s => !RuntimeStatusExtensions.ParseStatus(s.Status).IsTerminal()).ToList();
        foreach (var shard in unfinished)
        {
            await hub.WorkItems.SendMessageAsync(PlantJson.ToBinary(new WorkItem(batch.BatchId, shard.Index)), timeToLive: TimeSpan.FromSeconds(-1),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        LogResent(logger, batch.BatchId, "work items", unfinished.Count);
        await store.UpdateBatchAsync(batch.BatchId, _ => true, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "Recovery sweep ran the fan-in of batch {BatchId} (wrote the summary: {Wrote})")]
    private static partial void LogRecoveredFanIn(ILogger logger, string batchId, bool wrote);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Batch {BatchId} made no progress within the stall timeout: sent its {What} again ({Count})")]
    private static partial void LogResent(ILogger logger, string batchId, string what, int count);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Error, Message = "Recovery sweep failed for batch {BatchId}")]
    private static partial void LogSweepError(ILogger logger, Exception exception, string batchId);
}
