using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The coordinator's planning loop over <c>{hub}-control</c>. A planning attempt that throws is retried with backoff;
/// after <c>MaxAttempts</c> the batch is recorded Failed with the reason.
/// </summary>
internal sealed partial class ControlQueueWorker(
    TaskHub hub,
    BatchPlanner planner,
    BatchStore store,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<BatchOptions> batchOptions,
    IOptions<WorkerOptions> workerOptions,
    ILogger<ControlQueueWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!plant.Value.ParsedRoles.HasFlag(PlantRoles.Coordinator))
        {
            return Task.CompletedTask;
        }

        var worker = workerOptions.Value;
        return Task.Run(() => QueuePoller.RunAsync(hub.Control, worker.VisibilityTimeout, worker.PollInterval, time, logger, HandleAsync, stoppingToken), stoppingToken);
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken stopping)
    {
        var lease = new MessageLease(hub.Control, message, workerOptions.Value.VisibilityTimeout, time);
        await using (lease.ConfigureAwait(false))
        {
            PlanMessage? plan;
            try
            {
                plan = message.Body.ToObjectFromJson<PlanMessage>(PlantJson.Options);
            }
            catch (JsonException)
            {
                plan = null;
            }

            if (plan is null || !NameRules.IsValidId(plan.BatchId, "batch id", out _))
            {
                LogBadMessage(logger, message.MessageId);
                await lease.DeleteAsync(stopping).ConfigureAwait(false);
                return;
            }

            lease.StartHeartbeat();
            try
            {
                using var work = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
                await planner.PlanAsync(plan.BatchId, work.Token).ConfigureAwait(false);
                await lease.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested || lease.Lost.IsCancellationRequested)
            {
                // Shutting down or taken over: the message comes back (or is already with someone else).
            }
            catch (Exception ex)
            {
                LogPlanningFailed(logger, ex, plan.BatchId, message.DequeueCount);
                if (message.DequeueCount >= batchOptions.Value.MaxAttempts)
                {
                    await store.UpdateBatchAsync(plan.BatchId, b =>
                    {
                        if (RuntimeStatusExtensions.ParseStatus(b.Status) != RuntimeStatus.Pending)
                        {
                            return false;
                        }

                        b.Status = nameof(RuntimeStatus.Failed);
                        b.CompletedTime = time.GetUtcNow();
                        b.Error = BatchStore.Truncate($"planning failed after {message.DequeueCount} attempts: {ex.GetType().Name}: {ex.Message}");
                        return true;
                    }, stopping).ConfigureAwait(false);
                    await lease.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await lease.ReleaseAsync(batchOptions.Value.RetryDelayAfter(message.DequeueCount), CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Deleted unreadable control message {MessageId}")]
    private static partial void LogBadMessage(ILogger logger, string messageId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Planning batch {BatchId} failed (attempt {Attempt})")]
    private static partial void LogPlanningFailed(ILogger logger, Exception exception, string batchId, long attempt);
}
