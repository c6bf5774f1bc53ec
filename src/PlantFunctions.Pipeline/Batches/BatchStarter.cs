using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Instances;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// What the HTTP starters, the ready-marker trigger and the sweep call for batches, through whichever
/// <see cref="DurableTaskClient"/> the host has (the Functions binding, or the local DTFx client): start (validate,
/// resolve the model version, schedule <c>CodeBatch</c> with instance id = batch id, at most one run per id), read,
/// terminate (then close out), purge.
/// </summary>
public sealed partial class BatchStarter(
    PlantStorage storage,
    ModelRegistry models,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<BatchOptions> batches,
    IOptions<NoteOptions> notes,
    ILogger<BatchStarter> logger)
{
    /// <summary>
    /// Starts a batch and returns its id. Starting an id that exists (in any state) with the same prefix returns it
    /// again without a second run; another prefix is a conflict. A purged id can be started again.
    /// </summary>
    /// <exception cref="PlantRequestException">Invalid request (400), no active model or another prefix (409).</exception>
    public async Task<string> StartAsync(DurableTaskClient client, BatchStartRequest request, string origin = "api", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        var (batchId, prefix) = Validate(request);
        if (await SameOrConflictAsync(client, batchId, prefix, cancellationToken).ConfigureAwait(false))
        {
            return batchId;
        }

        var model = await models.ResolveAsync(plant.Value.ModelName, request.ModelVersion, cancellationToken).ConfigureAwait(false);
        var input = NewInput(batchId, prefix, origin) with
        {
            ModelName = model.Name,
            ModelVersion = model.Version,
            ModelBlob = model.Blob,
            MinCodes = request.MinCodes ?? 0,
            Threshold = request.Threshold,
            PerCodeThresholds = request.PerCodeThresholds ?? false,
        };
        await ScheduleAsync(client, input, cancellationToken).ConfigureAwait(false);
        PlantTelemetry.BatchStarted(origin);
        LogStarted(logger, batchId, prefix, model.Version, origin);
        return batchId;
    }

    /// <summary>
    /// Records a batch that a ready marker could not start (bad marker, no active model) as a Failed instance whose
    /// output says why, so its status answers the question. Nothing happens when the id is unusable or already taken.
    /// </summary>
    public async Task RecordRejectedAsync(DurableTaskClient client, string batchId, string prefix, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!NameRules.IsValidId(batchId, "batch id", out _) || !NameRules.TryNormalizePrefix(prefix, out string normalized, out _)
            || await client.GetInstanceAsync(batchId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var input = NewInput(batchId, normalized, "marker") with { ModelName = plant.Value.ModelName, Rejected = reason };
        await ScheduleAsync(client, input, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status of a batch, or null for an unknown id (or an id that is not a batch); an invalid id is refused (400).</summary>
    public static async Task<InstanceStatus?> GetAsync(DurableTaskClient client, string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!NameRules.IsValidId(batchId, "batch id", out string? reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        var metadata = await client.GetInstanceAsync(batchId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return metadata is { Name: TaskNames.CodeBatch } ? InstanceStatuses.From(metadata) : null;
    }

    /// <summary>
    /// Terminates a running batch through the engine, then starts its close-out so that every note still gets exactly
    /// one record and the batch a summary.
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
        await CloseOutAsync(client, metadata, why, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Purges a finished batch: its history, its close-out's, and its planned inputs (its results stay until a new
    /// run of the same id replaces them).
    /// </summary>
    /// <exception cref="PlantRequestException">Unknown id (404) or still running (409).</exception>
    public async Task<int> PurgeAsync(DurableTaskClient client, string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await GetBatchAsync(client, batchId, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsCompleted)
        {
            throw new PlantRequestException(PlantRequestError.Conflict, $"batch '{batchId}' is {metadata.RuntimeStatus}: terminate it before purging");
        }

        int purged = (await client.PurgeInstanceAsync(batchId, cancellation: cancellationToken).ConfigureAwait(false)).PurgedInstanceCount;
        var query = new OrchestrationQuery { InstanceIdPrefix = $"{batchId}:closeout:" };
        await foreach (var closeOut in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (closeOut.IsCompleted)
            {
                await client.PurgeInstanceAsync(closeOut.InstanceId, cancellation: cancellationToken).ConfigureAwait(false);
            }
        }

        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, BatchPaths.WorkPrefix(batchId), cancellationToken).ConfigureAwait(false))
        {
            await storage.Results.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return purged;
    }

    /// <summary>
    /// Starts the close-out of every terminated batch that has none and no summary yet: batches terminated through the
    /// engine's own terminate URL (which knows nothing of close-outs). Returns how many it started.
    /// </summary>
    public async Task<int> CloseOutTerminatedAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        int started = 0;
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Terminated], FetchInputsAndOutputs = true };
        await foreach (var metadata in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (metadata.Name != TaskNames.CodeBatch || InstanceStatuses.ReadInput<CodeBatchInput>(metadata) is not { } input)
            {
                continue;
            }

            bool summarized = await RunScopedBlobs.ReadOfRunAsync(storage.Results.GetBlobClient(BatchPaths.Summary(input.BatchId)), input.RunId, cancellationToken)
                .ConfigureAwait(false) is not null;
            if (!summarized && await CloseOutAsync(client, metadata, TerminationReason(metadata), cancellationToken).ConfigureAwait(false))
            {
                started++;
            }
        }

        return started;
    }

    private async Task<bool> CloseOutAsync(DurableTaskClient client, OrchestrationMetadata metadata, string reason, CancellationToken cancellationToken)
    {
        var input = InstanceStatuses.ReadInput<CodeBatchInput>(metadata);
        if (input is null || input.Rejected is not null)
        {
            return false;
        }

        // Shards still queued see this and leave their notes to the close-out instead of coding them.
        await storage.Results.GetBlobClient(BatchPaths.Terminated(input.BatchId, input.RunId))
            .UploadIfAbsentAsync(BinaryData.FromString(reason), "text/plain", cancellationToken).ConfigureAwait(false);

        string instanceId = CloseOutInput.InstanceId(input.BatchId, input.RunId);
        if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        var created = input.Progress?.CreatedTime ?? metadata.CreatedAt.UtcDateTime;
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.CloseOutBatch, new CloseOutInput(input, created, reason),
                new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }

            return false;   // another process started the same close-out at the same moment
        }

        LogClosingOut(logger, input.BatchId, reason);
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

    private static async Task<OrchestrationMetadata> GetBatchAsync(DurableTaskClient client, string batchId, CancellationToken cancellationToken)
    {
        var metadata = NameRules.IsValidId(batchId, "batch id", out _)
            ? await client.GetInstanceAsync(batchId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false)
            : null;
        return metadata is { Name: TaskNames.CodeBatch } ? metadata : throw new PlantRequestException(PlantRequestError.NotFound, $"no batch '{batchId}'");
    }

    /// <summary>True when the id exists with the same prefix (nothing to do); throws when it exists with another.</summary>
    private static async Task<bool> SameOrConflictAsync(DurableTaskClient client, string batchId, string prefix, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(batchId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return false;
        }

        var input = existing.Name == TaskNames.CodeBatch ? InstanceStatuses.ReadInput<CodeBatchInput>(existing) : null;
        if (input is null || !string.Equals(input.Prefix, prefix, StringComparison.Ordinal))
        {
            throw new PlantRequestException(PlantRequestError.Conflict, input is null
                ? $"'{batchId}' is already the id of a {existing.Name} instance"
                : $"batch '{batchId}' already exists for prefix '{input.Prefix}'; purge it first to use the id again");
        }

        return true;
    }

    private async Task ScheduleAsync(DurableTaskClient client, CodeBatchInput input, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.CodeBatch, input, new StartOrchestrationOptions(input.BatchId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Started by someone else at the same moment (the engine refuses a second instance with the id): same
            // prefix is the same batch; anything else is a real error.
            if (!await SameOrConflictAsync(client, input.BatchId, input.Prefix, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }
    }

    private CodeBatchInput NewInput(string batchId, string prefix, string origin)
    {
        var options = batches.Value;
        return new CodeBatchInput
        {
            BatchId = batchId,
            RunId = Guid.NewGuid().ToString("N")[..16],
            NotesContainer = storage.Notes.Name,
            Prefix = prefix,
            ModelName = "",
            ModelVersion = "",
            ModelBlob = "",
            NotesPerShard = options.NotesPerShard,
            ErrorThreshold = options.ErrorThreshold,
            MaxNoteChars = notes.Value.MaxNoteChars,
            ShardsPerGeneration = options.ShardsPerGeneration,
            Retry = new ShardRetry(options.MaxAttempts, options.RetryDelay, options.MaxRetryDelay),
            Origin = origin,
        };
    }

    private (string BatchId, string Prefix) Validate(BatchStartRequest request)
    {
        if (request.Container is not null && !string.Equals(request.Container, storage.Notes.Name, StringComparison.Ordinal))
        {
            throw new PlantRequestException(PlantRequestError.Invalid,
                $"container '{request.Container}' is not the notes container; batches read from '{storage.Notes.Name}'");
        }

        if (!NameRules.TryNormalizePrefix(request.Prefix, out string prefix, out string? reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        string batchId = request.BatchId ?? $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..24];
        if (!NameRules.IsValidId(batchId, "batch id", out reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        if (request.MinCodes is < 0 or > 1000)
        {
            throw new PlantRequestException(PlantRequestError.Invalid, $"minCodes must be between 0 and 1000, not {request.MinCodes}");
        }

        if (request.Threshold is { } threshold && (double.IsNaN(threshold) || threshold is < 0 or > 1))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, $"threshold must be a probability between 0 and 1, not {threshold}");
        }

        if (request.Threshold is not null && request.PerCodeThresholds == true)
        {
            throw new PlantRequestException(PlantRequestError.Invalid,
                "threshold and perCodeThresholds exclude each other: give one probability threshold or ask for the model's per-code thresholds");
        }

        if (request.ModelVersion is not null && !NameRules.IsValidId(request.ModelVersion, "model version", out reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        return (batchId, prefix);
    }

    [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Started batch {BatchId} on {Prefix} with model version {ModelVersion} ({Origin})")]
    private static partial void LogStarted(ILogger logger, string batchId, string prefix, string modelVersion, string origin);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Closing out terminated batch {BatchId}: {Reason}")]
    private static partial void LogClosingOut(ILogger logger, string batchId, string reason);
}
