using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The input of <see cref="PlanBatchActivity"/>.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="RunId">The run.</param>
/// <param name="Prefix">Folder of note files in the notes container.</param>
/// <param name="NotesPerShard">Notes per shard.</param>
/// <param name="MaxNoteChars">Longer notes become error records.</param>
public sealed record PlanRequest(string BatchId, string RunId, string Prefix, int NotesPerShard, int MaxNoteChars);

/// <summary>
/// Reads a batch's note files once (unreadable records are kept as error placeholders, so each gets its error record
/// in its shard) and writes the shard inputs, then the run's plan. Large data stays in blobs: the history gets the
/// counts. The run first claims the batch id's results (<see cref="BatchRuns.ClaimAsync"/>) and deletes what earlier
/// runs of the id left; a run that a later run has taken over plans nothing. Plans once: each execution writes its
/// shard inputs into a folder of its own and the first plan written wins, so a rerun (also one after an execution
/// that died halfway, with the notes changed since) returns that plan, and the shards it names are the ones read with it.
/// </summary>
[DurableTask(TaskNames.PlanBatch)]
public sealed partial class PlanBatchActivity(PlantStorage storage, ILogger<PlanBatchActivity> logger) : TaskActivity<PlanRequest, BatchPlan>
{
    /// <summary>Longest note id kept; a record with a longer one becomes an error record (with the id cut to this length).</summary>
    public const int MaxNoteIdChars = 256;

    /// <summary>Small files downloaded ahead of the reader.</summary>
    private const int Prefetch = 16;

    /// <summary>Files up to this size are downloaded whole (ahead); larger ones are streamed.</summary>
    private const long SmallFileBytes = 4 * 1024 * 1024;

    /// <inheritdoc />
    public override async Task<BatchPlan> RunAsync(TaskActivityContext context, PlanRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var span = PlantTelemetry.Source.StartActivity("PlanBatch");
        span?.SetTag("plant.batch", input.BatchId);
        var planBlob = storage.Results.GetBlobClient(BatchPaths.Plan(input.BatchId, input.RunId));
        var existing = await RunScopedBlobs.ReadOfRunAsync(planBlob, input.RunId).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing.Content.ToObjectFromJson<BatchPlan>(PlantJson.Options)!;
        }

        if (await BatchRuns.ClaimAsync(storage.Results, input.BatchId, input.RunId).ConfigureAwait(false) is { } later)
        {
            LogSuperseded(logger, input.BatchId, input.RunId, later);
            return Superseded(input, later);
        }

        await DeleteEarlierRunsAsync(input).ConfigureAwait(false);
        var files = new List<BlobItem>();
        int skipped = 0;
        await foreach (var blob in storage.Notes.GetBlobsAsync(BlobTraits.None, BlobStates.None, input.Prefix, CancellationToken.None).ConfigureAwait(false))
        {
            if (NoteReader.FormatOf(blob.Name) is null)
            {
                skipped++;
            }
            else
            {
                files.Add(blob);
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        if (files.Count == 0)
        {
            return new BatchPlan(0, 0, 0, skipped, $"no note files (.jsonl, .ndjson, .csv, .txt) under '{storage.Notes.Name}/{input.Prefix}'");
        }

        string planId = Guid.NewGuid().ToString("N")[..8];
        var options = NoteReaderOptions.Collecting with { MaxNoteChars = input.MaxNoteChars };
        var shard = new List<ShardInputRecord>(input.NotesPerShard);
        int shards = 0, notes = 0, inputErrors = 0;
        foreach (var result in NoteReader.Checked(ReadAll(files, options), options))
        {
            var record = ToInput(result);
            shard.Add(record);
            notes++;
            inputErrors += record.Error is null ? 0 : 1;
            if (shard.Count == input.NotesPerShard)
            {
                await WriteShardAsync(input, planId, shards++, shard).ConfigureAwait(false);
                shard.Clear();
            }
        }

        if (shard.Count > 0)
        {
            await WriteShardAsync(input, planId, shards++, shard).ConfigureAwait(false);
        }

        var plan = new BatchPlan(shards, notes, inputErrors, skipped, PlanId: planId);
        var written = await RunScopedBlobs.WriteOnceAsync(planBlob, new BinaryData(PlantJson.ToUtf8Bytes(plan)), "application/json", input.RunId).ConfigureAwait(false);
        if (written.Existing is { } first)
        {
            // Another execution of this step planned first: its plan and its shard inputs stand, this one's go.
            await DeleteAsync(BatchPaths.RunWorkPrefix(input.BatchId, input.RunId) + planId + "/").ConfigureAwait(false);
            return first.Content.ToObjectFromJson<BatchPlan>(PlantJson.Options)!;
        }

        if (await BatchRuns.SupersededByAsync(storage.Results, input.BatchId, input.RunId).ConfigureAwait(false) is { } after)
        {
            await DeleteAsync(BatchPaths.RunWorkPrefix(input.BatchId, input.RunId)).ConfigureAwait(false);
            LogSuperseded(logger, input.BatchId, input.RunId, after);
            return Superseded(input, after);
        }

        LogPlanned(logger, input.BatchId, notes, shards, inputErrors, files.Count);
        return plan;
    }

    /// <summary>The planned input of a read record; an error placeholder for an unreadable one or one with an overlong id.</summary>
    private static ShardInputRecord ToInput(NoteReadResult result)
    {
        if (result.Note is { } note)
        {
            return note.Id.Length > MaxNoteIdChars
                ? new ShardInputRecord(note.Id[..MaxNoteIdChars], result.Location,
                    Error: $"id is {note.Id.Length:N0} characters, over the limit of {MaxNoteIdChars} (the id shown is cut to that length)")
                : new ShardInputRecord(note.Id, result.Location, note.Text);
        }

        string id = result.Error!.NoteId ?? result.Location;
        return new ShardInputRecord(id.Length > MaxNoteIdChars ? id[..MaxNoteIdChars] : id, result.Location, Error: result.Error.Reason);
    }

    private static BatchPlan Superseded(PlanRequest input, string later) =>
        new(0, 0, 0, 0, $"batch '{input.BatchId}' was started again (run {later}) after this run ({input.RunId}) was purged: this run writes nothing more");

    private Task WriteShardAsync(PlanRequest input, string planId, int index, List<ShardInputRecord> records) =>
        RunScopedBlobs.WriteOnceAsync(storage.Results.GetBlobClient(BatchPaths.ShardInput(input.BatchId, input.RunId, planId, index)),
            ShardFiles.ToJsonLines(records), "application/x-ndjson", input.RunId);

    /// <summary>
    /// The records of every file, in file order. Small files (a folder of <c>.txt</c> notes: thousands of them) are
    /// downloaded <see cref="Prefetch"/> at a time ahead of the reader, since one round trip per file would otherwise
    /// dominate; large files are streamed. The note readers are synchronous, so this pool thread waits for each file
    /// as a synchronous read would.
    /// </summary>
    private IEnumerable<NoteReadResult> ReadAll(List<BlobItem> files, NoteReaderOptions options)
    {
        var ahead = new Queue<(BlobItem File, Task<BinaryData>? Content)>();
        int next = 0;
        while (next < files.Count || ahead.Count > 0)
        {
            while (next < files.Count && ahead.Count < Prefetch)
            {
                var file = files[next++];
                bool small = file.Properties.ContentLength is <= SmallFileBytes;
                ahead.Enqueue((file, small ? DownloadAsync(file.Name) : null));
            }

            var (current, content) = ahead.Dequeue();
            using var stream = content is null
                ? storage.Notes.GetBlobClient(current.Name).OpenRead(new BlobOpenReadOptions(allowModifications: false))
                : content.GetAwaiter().GetResult().ToStream();
            foreach (var result in NoteReader.Read(stream, current.Name, options))
            {
                yield return result;
            }
        }
    }

    private async Task<BinaryData> DownloadAsync(string name) =>
        (await storage.Notes.GetBlobClient(name).DownloadContentAsync().ConfigureAwait(false)).Value.Content;

    /// <summary>
    /// Deletes what earlier runs of this batch id left: their planned inputs, results and summary (blobs of this run and
    /// of later ones stay; a blob without a run is from a version before runs, hence earlier).
    /// </summary>
    private async Task DeleteEarlierRunsAsync(PlanRequest input)
    {
        int deleted = 0;
        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BatchPaths.ResultsPrefix(input.BatchId), CancellationToken.None)
                           .ConfigureAwait(false))
        {
            string? run = RunScopedBlobs.RunOf(blob.Metadata) ?? BatchPaths.RunOfWorkBlob(input.BatchId, blob.Name);
            if (BatchRuns.IsBookkeeping(input.BatchId, blob.Name) || string.Equals(run, input.RunId, StringComparison.Ordinal)
                || (run is not null && BatchRuns.IsLater(run, input.RunId)))
            {
                continue;
            }

            await storage.Results.DeleteBlobIfExistsAsync(blob.Name).ConfigureAwait(false);
            deleted++;
        }

        if (deleted > 0)
        {
            LogDeletedStale(logger, input.BatchId, deleted);
        }
    }

    private async Task DeleteAsync(string prefix)
    {
        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None).ConfigureAwait(false))
        {
            await storage.Results.DeleteBlobIfExistsAsync(blob.Name).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Read batch {BatchId}: {Notes} notes from {Files} files in {Shards} shards ({InputErrors} unreadable records)")]
    private static partial void LogPlanned(ILogger logger, string batchId, int notes, int shards, int inputErrors, int files);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Batch {BatchId} starts a new run: deleted {Blobs} blobs an earlier run of that id left")]
    private static partial void LogDeletedStale(ILogger logger, string batchId, int blobs);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Batch {BatchId} run {RunId} was superseded by run {Later} of the same id: nothing planned")]
    private static partial void LogSuperseded(ILogger logger, string batchId, string runId, string later);
}
