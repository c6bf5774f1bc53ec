using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>Starts, reads, terminates and purges batches: what the HTTP API and the ready-marker watcher call.</summary>
public sealed class BatchService
{
    private readonly TaskHub hub;
    private readonly BatchStore store;
    private readonly ModelRegistry models;
    private readonly TimeProvider time;
    private readonly PlantOptions plant;
    private readonly BatchOptions batches;
    private readonly NoteOptions notes;

    internal BatchService(TaskHub hub, BatchStore store, ModelRegistry models, TimeProvider time,
        IOptions<PlantOptions> plant, IOptions<BatchOptions> batches, IOptions<NoteOptions> notes)
    {
        this.hub = hub;
        this.store = store;
        this.models = models;
        this.time = time;
        this.plant = plant.Value;
        this.batches = batches.Value;
        this.notes = notes.Value;
    }

    /// <summary>
    /// Validates the request, resolves the model version, records the batch (Pending) and sends its planning message.
    /// Starting the same id with the same prefix again returns the existing batch; another prefix is a conflict.
    /// </summary>
    public async Task<BatchView> StartAsync(BatchStartRequest request, string origin = "api", CancellationToken cancellationToken = default)
    {
        var (batchId, prefix) = Validate(request);
        var existing = await store.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return await SameOrConflictAsync(existing, prefix, cancellationToken).ConfigureAwait(false);
        }

        var model = await models.ResolveAsync(plant.ModelName, request.ModelVersion, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var batch = new BatchEntity
        {
            PartitionKey = batchId,
            Origin = origin,
            NotesContainer = hub.Notes.Name,
            Prefix = prefix,
            ModelName = model.Name,
            ModelVersion = model.Version,
            ModelBlob = model.Blob,
            NotesPerShard = batches.NotesPerShard,
            ErrorThreshold = batches.ErrorThreshold,
            MaxNoteChars = notes.MaxNoteChars,
            MinCodes = request.MinCodes ?? 0,
            Threshold = request.Threshold,
            CreatedTime = now,
            LastUpdatedTime = now,
        };
        if (!await store.TryAddBatchAsync(batch, cancellationToken).ConfigureAwait(false))
        {
            existing = await store.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
            return await SameOrConflictAsync(existing!, prefix, cancellationToken).ConfigureAwait(false);
        }

        await SendPlanAsync(batchId, cancellationToken).ConfigureAwait(false);
        return await GetAsync(batchId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"batch '{batchId}' vanished");
    }

    /// <summary>Records a batch that could not start (e.g. no active model for a ready marker) as Failed, so its status says why.</summary>
    public async Task<BatchView?> RecordRejectedAsync(BatchStartRequest request, string origin, string reason, CancellationToken cancellationToken = default)
    {
        var (batchId, prefix) = Validate(request);
        var now = time.GetUtcNow();
        await store.TryAddBatchAsync(new BatchEntity
        {
            PartitionKey = batchId,
            Status = nameof(RuntimeStatus.Failed),
            Origin = origin,
            NotesContainer = hub.Notes.Name,
            Prefix = prefix,
            ModelName = plant.ModelName,
            ModelVersion = request.ModelVersion ?? "",
            ErrorThreshold = batches.ErrorThreshold,
            NotesPerShard = batches.NotesPerShard,
            MaxNoteChars = notes.MaxNoteChars,
            CreatedTime = now,
            LastUpdatedTime = now,
            CompletedTime = now,
            ShardCount = 0,
            Error = BatchStore.Truncate(reason),
        }, cancellationToken).ConfigureAwait(false);
        return await GetAsync(batchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch and its progress, or <c>null</c> for an unknown id.</summary>
    public async Task<BatchView?> GetAsync(string batchId, CancellationToken cancellationToken = default)
    {
        if (!NameRules.IsValidId(batchId, "batch id", out _))
        {
            return null;
        }

        var batch = await store.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            return null;
        }

        var progress = await store.GetProgressAsync(batchId, cancellationToken).ConfigureAwait(false);
        var status = RuntimeStatusExtensions.ParseStatus(batch.Status);
        var lastUpdated = progress is not null && progress.LastProgressTime > batch.LastUpdatedTime ? progress.LastProgressTime : batch.LastUpdatedTime;
        return new BatchView
        {
            Id = batchId,
            Status = status,
            Origin = batch.Origin,
            Container = batch.NotesContainer,
            Prefix = batch.Prefix,
            ModelName = batch.ModelName,
            ModelVersion = batch.ModelVersion,
            NotesPerShard = batch.NotesPerShard,
            ErrorThreshold = batch.ErrorThreshold,
            CreatedTime = batch.CreatedTime,
            LastUpdatedTime = lastUpdated,
            StartedTime = batch.StartedTime,
            CompletedTime = batch.CompletedTime,
            ShardsTotal = Math.Max(0, batch.ShardCount),
            ShardsCompleted = progress?.ShardsCompleted ?? 0,
            ShardsFailed = progress?.ShardsFailed ?? 0,
            NotesTotal = batch.NoteCount,
            NotesCoded = progress?.NotesCoded ?? 0,
            NotesFailed = progress?.NotesFailed ?? 0,
            Error = batch.Error,
            ResultsContainer = hub.Results.Name,
            ResultsPrefix = BatchPaths.ResultsPrefix(batchId),
            SummaryBlob = batch.SummaryWritten ? BatchPaths.Summary(batchId) : null,
        };
    }

    /// <summary>
    /// Marks a Pending or Running batch Terminated; workers drop its remaining work items and stop a shard in progress.
    /// <see cref="PlantRequestError.NotFound"/> for an unknown id, <see cref="PlantRequestError.Gone"/> when it already finished.
    /// </summary>
    public async Task<BatchView> TerminateAsync(string batchId, string? reason, CancellationToken cancellationToken = default)
    {
        var (batch, changed) = await store.UpdateBatchAsync(batchId, b =>
        {
            if (RuntimeStatusExtensions.ParseStatus(b.Status).IsTerminal())
            {
                return false;
            }

            b.Status = nameof(RuntimeStatus.Terminated);
            b.CompletedTime = time.GetUtcNow();
            b.Error = BatchStore.Truncate(string.IsNullOrWhiteSpace(reason) ? "terminated on request" : $"terminated: {reason}");
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            throw new PlantRequestException(PlantRequestError.NotFound, $"no batch '{batchId}'");
        }

        var view = await GetAsync(batchId, cancellationToken).ConfigureAwait(false) ?? throw new PlantRequestException(PlantRequestError.NotFound, $"no batch '{batchId}'");
        return changed
            ? view
            : throw new PlantRequestException(PlantRequestError.Gone, $"batch '{batchId}' already finished ({view.Status})");
    }

    /// <summary>
    /// Deletes a finished batch's rows and planned inputs (its results stay). <see cref="PlantRequestError.Conflict"/>
    /// while it is still Pending or Running.
    /// </summary>
    public async Task PurgeAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(batchId, cancellationToken).ConfigureAwait(false)
                   ?? throw new PlantRequestException(PlantRequestError.NotFound, $"no batch '{batchId}'");
        if (!view.Status.IsTerminal())
        {
            throw new PlantRequestException(PlantRequestError.Conflict, $"batch '{batchId}' is {view.Status}: terminate it before purging");
        }

        await BatchFinisher.DeleteWorkBlobsAsync(hub, batchId, cancellationToken).ConfigureAwait(false);
        await store.DeleteBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
    }

    internal Task SendPlanAsync(string batchId, CancellationToken cancellationToken) =>
        hub.Control.SendMessageAsync(PlantJson.ToBinary(new PlanMessage(batchId)), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);

    private (string BatchId, string Prefix) Validate(BatchStartRequest request)
    {
        if (request.Container is not null && !string.Equals(request.Container, hub.Notes.Name, StringComparison.Ordinal))
        {
            throw new PlantRequestException(PlantRequestError.Invalid,
                $"container '{request.Container}' is not the notes container; batches read from '{hub.Notes.Name}'");
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

        if (request.ModelVersion is not null && !NameRules.IsValidId(request.ModelVersion, "model version", out reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        return (batchId, prefix);
    }

    private async Task<BatchView> SameOrConflictAsync(BatchEntity existing, string prefix, CancellationToken cancellationToken)
    {
        if (!string.Equals(existing.Prefix, prefix, StringComparison.Ordinal))
        {
            throw new PlantRequestException(PlantRequestError.Conflict,
                $"batch '{existing.BatchId}' already exists for prefix '{existing.Prefix}'");
        }

        if (RuntimeStatusExtensions.ParseStatus(existing.Status) == RuntimeStatus.Pending)
        {
            await SendPlanAsync(existing.BatchId, cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(existing.BatchId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("batch vanished");
    }
}
