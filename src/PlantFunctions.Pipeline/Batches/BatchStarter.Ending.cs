using System.Collections.Concurrent;
using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PlantFunctions.Pipeline.Instances;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The end of a batch: terminate (then close out), the close-out sweep, purge.</summary>
public sealed partial class BatchStarter
{
    /// <summary>Close-outs of one run started before the sweep stops retrying a failed one.</summary>
    public const int MaxCloseOutAttempts = 5;

    /// <summary>Terminated batches the sweep found closed out (or unreadable): instance id and creation time. Not looked at again.</summary>
    private readonly ConcurrentDictionary<string, byte> settled = new(StringComparer.Ordinal);

    /// <summary>
    /// Terminates a running batch through the engine (and its blocks in flight), then starts its close-out so that every
    /// note still gets exactly one record and the batch a summary.
    /// </summary>
    /// <exception cref="PlantRequestException">Unknown id (404) or already finished (410).</exception>
    public async Task TerminateAsync(DurableTaskClient client, string batchId, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await GetBatchAsync(client, batchId, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsRunning && metadata.RuntimeStatus is not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended))
        {
            throw new PlantRequestException(PlantRequestError.Gone, $"batch '{batchId}' already finished ({metadata.RuntimeStatus})");
        }

        string why = string.IsNullOrWhiteSpace(reason) ? "terminated on request" : $"terminated: {reason}";
        await client.TerminateInstanceAsync(batchId, why, cancellationToken).ConfigureAwait(false);
        await CloseOutAsync(client, metadata, why, 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Purges a finished batch: its history, its blocks' and its close-out's, and its planned inputs (its results stay
    /// until a new run of the same id replaces them). A terminated batch is purged only once its close-out has finished:
    /// until then the close-out still reads the planned inputs and writes the records of the notes not coded.
    /// </summary>
    /// <exception cref="PlantRequestException">Unknown id (404); still running, or its close-out or a block still running (409).</exception>
    public async Task<int> PurgeAsync(DurableTaskClient client, string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await GetBatchAsync(client, batchId, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsCompleted)
        {
            throw new PlantRequestException(PlantRequestError.Conflict, $"batch '{batchId}' is {metadata.RuntimeStatus}: terminate it before purging");
        }

        var input = InstanceStatuses.TryReadInput<CodeBatchInput>(metadata, out var read, out _) ? read : null;
        var children = new List<OrchestrationMetadata>();
        if (input is { Rejected: null })
        {
            if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Terminated)
            {
                var closeOut = await client.GetInstanceAsync(CloseOutInput.InstanceId(batchId, input.RunId), cancellationToken).ConfigureAwait(false);
                if (closeOut is not { RuntimeStatus: OrchestrationRuntimeStatus.Completed })
                {
                    throw new PlantRequestException(PlantRequestError.Conflict, closeOut is null
                        ? $"batch '{batchId}' was terminated and its close-out has not started yet (the close-out sweep starts it): purge it once the close-out has finished"
                        : $"batch '{batchId}' was terminated and its close-out is {closeOut.RuntimeStatus}: purge it once the close-out has finished");
                }
            }

            var query = new OrchestrationQuery { InstanceIdPrefix = CodeBatchOrchestrator.BlockInstancePrefix(batchId, input.RunId) };
            await foreach (var block in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!block.IsCompleted)
                {
                    throw new PlantRequestException(PlantRequestError.Conflict,
                        $"batch '{batchId}' still has a block of shards in flight ({block.InstanceId} is {block.RuntimeStatus}): purge it once that has finished");
                }

                children.Add(block);
            }
        }

        int purged = (await client.PurgeInstanceAsync(batchId, cancellation: cancellationToken).ConfigureAwait(false)).PurgedInstanceCount;
        await foreach (var closeOut in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = $"{batchId}:closeout:" })
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            children.Add(closeOut);
        }

        foreach (var child in children.Where(c => c.IsCompleted))
        {
            await client.PurgeInstanceAsync(child.InstanceId, cancellation: cancellationToken).ConfigureAwait(false);
        }

        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, BatchPaths.WorkPrefix(batchId), cancellationToken).ConfigureAwait(false))
        {
            await storage.Results.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return purged;
    }

    /// <summary>
    /// The close-out sweep: starts the close-out of every terminated batch (created within <c>CloseOutLookback</c>) that
    /// has none (batches terminated through the engine's own terminate URL, which knows nothing of close-outs), and starts
    /// a failed close-out again (up to <see cref="MaxCloseOutAttempts"/> times). A batch found closed out is remembered and
    /// not looked at again; one whose input this build cannot read is logged and skipped. Returns how many it started.
    /// </summary>
    public async Task<int> CloseOutTerminatedAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        int started = 0;
        var query = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Terminated],
            CreatedFrom = time.GetUtcNow() - batches.Value.CloseOutLookback,
        };
        await foreach (var found in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string key = $"{found.InstanceId}@{found.CreatedAt.UtcTicks}";
            if (found.Name != TaskNames.CodeBatch || settled.ContainsKey(key))
            {
                continue;
            }

            var metadata = await client.GetInstanceAsync(found.InstanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            if (metadata is null)
            {
                continue;
            }

            if (!InstanceStatuses.TryReadInput<CodeBatchInput>(metadata, out var input, out string? problem) || input is null || input.Problem() is not null)
            {
                LogUnreadable(logger, found.InstanceId, problem ?? input?.Problem() ?? "no input");
                settled[key] = 0;
                continue;
            }

            if (input.Rejected is not null)
            {
                settled[key] = 0;
                continue;
            }

            var closeOut = await client.GetInstanceAsync(CloseOutInput.InstanceId(input.BatchId, input.RunId), getInputsAndOutputs: true, cancellationToken)
                .ConfigureAwait(false);
            switch (closeOut?.RuntimeStatus)
            {
                case OrchestrationRuntimeStatus.Completed:
                    settled[key] = 0;
                    break;
                case OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated:
                    int attempt = InstanceStatuses.TryReadInput<CloseOutInput>(closeOut, out var previous, out _) && previous is not null ? previous.Attempt : 1;
                    if (attempt >= MaxCloseOutAttempts)
                    {
                        LogCloseOutGivenUp(logger, input.BatchId, attempt);
                        settled[key] = 0;
                    }
                    else if (await CloseOutAsync(client, metadata, TerminationReason(metadata), attempt + 1, cancellationToken).ConfigureAwait(false))
                    {
                        started++;
                    }

                    break;
                case null:
                    if (await RunScopedBlobs.ReadOfRunAsync(storage.Results.GetBlobClient(BatchPaths.Summary(input.BatchId)), input.RunId, cancellationToken)
                            .ConfigureAwait(false) is not null)
                    {
                        settled[key] = 0;   // closed out and its close-out purged, or summarized before it was terminated
                    }
                    else if (await CloseOutAsync(client, metadata, TerminationReason(metadata), 1, cancellationToken).ConfigureAwait(false))
                    {
                        started++;
                    }

                    break;
                default:
                    break;   // running: looked at again next time
            }
        }

        return started;
    }

    private async Task<bool> CloseOutAsync(DurableTaskClient client, OrchestrationMetadata metadata, string reason, int attempt, CancellationToken cancellationToken)
    {
        if (!InstanceStatuses.TryReadInput<CodeBatchInput>(metadata, out var input, out _) || input is null || input.Rejected is not null)
        {
            return false;
        }

        // Shards still queued see this and leave their notes to the close-out instead of coding them.
        await storage.Results.GetBlobClient(BatchPaths.Terminated(input.BatchId, input.RunId))
            .UploadIfAbsentAsync(BinaryData.FromString(reason), "text/plain", cancellationToken).ConfigureAwait(false);

        // The engine terminates only the batch's own instance: its blocks in flight are terminated here (their shards
        // in flight finish, and the close-out records whatever has no result).
        var blocks = new OrchestrationQuery { InstanceIdPrefix = CodeBatchOrchestrator.BlockInstancePrefix(input.BatchId, input.RunId) };
        await foreach (var block in client.GetAllInstancesAsync(blocks).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!block.IsCompleted)
            {
                await client.TerminateInstanceAsync(block.InstanceId, reason, cancellationToken).ConfigureAwait(false);
            }
        }

        string instanceId = CloseOutInput.InstanceId(input.BatchId, input.RunId);
        var existing = await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && (attempt == 1 || !existing.IsCompleted))
        {
            return false;
        }

        var created = input.Progress?.CreatedTime ?? metadata.CreatedAt.UtcDateTime;
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.CloseOutBatch, new CloseOutInput(input, created, reason, attempt),
                new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is not { IsCompleted: false })
            {
                throw;
            }

            return false;   // another process started the same close-out at the same moment
        }

        LogClosingOut(logger, input.BatchId, reason, attempt);
        return true;
    }

    private static string TerminationReason(OrchestrationMetadata metadata)
    {
        string? output = metadata.SerializedOutput;
        if (string.IsNullOrWhiteSpace(output))
        {
            return "terminated";
        }

        try
        {
            string? text = System.Text.Json.JsonSerializer.Deserialize<string>(output);
            return string.IsNullOrWhiteSpace(text) ? "terminated" : text.StartsWith("terminated", StringComparison.Ordinal) ? text : $"terminated: {text}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"terminated: {output}";
        }
    }

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Closing out terminated batch {BatchId} (attempt {Attempt}): {Reason}")]
    private static partial void LogClosingOut(ILogger logger, string batchId, string reason, int attempt);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "The close-out sweep skips instance {InstanceId}: its input cannot be read by this build ({Problem})")]
    private static partial void LogUnreadable(ILogger logger, string instanceId, string problem);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Error, Message = "The close-out of batch {BatchId} failed {Attempts} times: the sweep gives up on it")]
    private static partial void LogCloseOutGivenUp(ILogger logger, string batchId, int attempts);
}
