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
/// check there are notes, resolve the model version, take the run's number, schedule <c>CodeBatch</c> with instance
/// id = batch id, at most one run per id), read; terminate, close out and purge are in BatchStarter.Ending.cs.
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
        await EnsureNotesAsync(prefix, cancellationToken).ConfigureAwait(false);
        string runId = await BatchRuns.ReserveAsync(storage.Results, batchId, cancellationToken).ConfigureAwait(false);
        var input = NewInput(batchId, prefix, origin, runId) with
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

        var input = NewInput(batchId, normalized, "marker", BatchRuns.NewRunId(0)) with { ModelName = plant.Value.ModelName, Rejected = reason };
        await ScheduleAsync(client, input, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The status of a batch, or null for an unknown id (or an id that is not a batch); an invalid id is refused (400).
    /// While a batch's blocks are being coded, its progress adds the blocks in flight to the finished ones.
    /// </summary>
    public static async Task<InstanceStatus?> GetAsync(DurableTaskClient client, string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!NameRules.IsValidId(batchId, "batch id", out string? reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        var metadata = await client.GetInstanceAsync(batchId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (metadata is not { Name: TaskNames.CodeBatch })
        {
            return null;
        }

        var status = InstanceStatuses.From(metadata);
        if (metadata.RuntimeStatus != OrchestrationRuntimeStatus.Running || status.ReadCustomStatus<BatchProgress>() is not { Stage: "Coding" } progress
            || !InstanceStatuses.TryReadInput<CodeBatchInput>(metadata, out var input, out _) || input is not { Version: >= 2 })
        {
            return status;
        }

        var inFlight = BatchTally.Zero;
        var query = new OrchestrationQuery { InstanceIdPrefix = CodeBatchOrchestrator.BlockInstancePrefix(input.BatchId, input.RunId) };
        await foreach (var block in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!block.IsCompleted && block.SerializedCustomStatus is { Length: > 0 } custom
                && System.Text.Json.JsonSerializer.Deserialize<BatchTally>(custom, PlantJson.Options) is { } tally)
            {
                inFlight = inFlight.Plus(tally);
            }
        }

        int done = progress.Shards.Completed + progress.Shards.Failed + inFlight.ShardsCompleted + inFlight.ShardsFailed;
        var merged = progress with
        {
            Shards = progress.Shards with { Completed = progress.Shards.Completed + inFlight.ShardsCompleted, Failed = progress.Shards.Failed + inFlight.ShardsFailed },
            Notes = progress.Notes with { Coded = progress.Notes.Coded + inFlight.NotesCoded, Failed = progress.Notes.Failed + inFlight.NotesFailed },
            PercentComplete = progress.Shards.Total == 0 ? 0 : Math.Round(100.0 * done / progress.Shards.Total, 1),
        };
        return status with { CustomStatus = System.Text.Json.JsonSerializer.SerializeToElement(merged, PlantJson.Options) };
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

        var input = existing.Name == TaskNames.CodeBatch && InstanceStatuses.TryReadInput<CodeBatchInput>(existing, out var read, out _) ? read : null;
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

    /// <summary>Refuses a prefix that holds no note files (400 naming it): the batch would only fail later.</summary>
    private async Task EnsureNotesAsync(string prefix, CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Notes.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (Model.Notes.NoteReader.FormatOf(blob.Name) is not null)
            {
                return;
            }
        }

        throw new PlantRequestException(PlantRequestError.Invalid,
            $"no note files (.jsonl, .ndjson, .csv, .txt) under '{storage.Notes.Name}/{prefix}': upload the notes before starting the batch");
    }

    private CodeBatchInput NewInput(string batchId, string prefix, string origin, string runId)
    {
        var options = batches.Value;
        return new CodeBatchInput
        {
            Version = CodeBatchInput.CurrentVersion,
            BatchId = batchId,
            RunId = runId,
            NotesContainer = storage.Notes.Name,
            Prefix = prefix,
            ModelName = "",
            ModelVersion = "",
            ModelBlob = "",
            NotesPerShard = options.NotesPerShard,
            ErrorThreshold = options.ErrorThreshold,
            MaxNoteChars = notes.Value.MaxNoteChars,
            ShardsPerGeneration = options.ShardsPerGeneration,
            BlocksInFlight = options.BlocksInFlight,
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

}
