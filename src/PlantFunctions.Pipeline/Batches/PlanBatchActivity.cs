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
/// counts. Idempotent: a rerun of the same run finds its blobs and writes nothing twice; blobs another run of the same
/// batch id left (before a purge) are deleted first.
/// </summary>
[DurableTask(TaskNames.PlanBatch)]
public sealed partial class PlanBatchActivity(PlantStorage storage, ILogger<PlanBatchActivity> logger) : TaskActivity<PlanRequest, BatchPlan>
{
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
        var existing = await RunScopedBlobs.ReadOfRunAsync(storage.Results.GetBlobClient(BatchPaths.Plan(input.BatchId, input.RunId)), input.RunId).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing.Content.ToObjectFromJson<BatchPlan>(PlantJson.Options)!;
        }

        await DeleteOtherRunsAsync(input).ConfigureAwait(false);
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

        var options = NoteReaderOptions.Collecting with { MaxNoteChars = input.MaxNoteChars };
        var shard = new List<ShardInputRecord>(input.NotesPerShard);
        int shards = 0, notes = 0, inputErrors = 0;
        foreach (var result in NoteReader.Checked(ReadAll(files, options), options))
        {
            shard.Add(result.Note is { } note
                ? new ShardInputRecord(note.Id, result.Location, note.Text)
                : new ShardInputRecord(result.Error!.NoteId ?? result.Location, result.Location, Error: result.Error.Reason));
            notes++;
            inputErrors += result.Note is null ? 1 : 0;
            if (shard.Count == input.NotesPerShard)
            {
                await WriteShardAsync(input, shards++, shard).ConfigureAwait(false);
                shard.Clear();
            }
        }

        if (shard.Count > 0)
        {
            await WriteShardAsync(input, shards++, shard).ConfigureAwait(false);
        }

        var plan = new BatchPlan(shards, notes, inputErrors, skipped);
        var written = await RunScopedBlobs.WriteOnceAsync(storage.Results.GetBlobClient(BatchPaths.Plan(input.BatchId, input.RunId)),
            new BinaryData(PlantJson.ToUtf8Bytes(plan)), "application/json", input.RunId).ConfigureAwait(false);
        LogPlanned(logger, input.BatchId, notes, shards, inputErrors, files.Count);
        return written is null ? plan : written.Content.ToObjectFromJson<BatchPlan>(PlantJson.Options)!;
    }

    private Task WriteShardAsync(PlanRequest input, int index, List<ShardInputRecord> records) =>
        RunScopedBlobs.WriteOnceAsync(storage.Results.GetBlobClient(BatchPaths.ShardInput(input.BatchId, input.RunId, index)),
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

    /// <summary>Deletes what earlier runs of this batch id left: their planned inputs, results and summary.</summary>
    private async Task DeleteOtherRunsAsync(PlanRequest input)
    {
        int deleted = 0;
        await foreach (var blob in storage.Results.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, BatchPaths.ResultsPrefix(input.BatchId), CancellationToken.None)
                           .ConfigureAwait(false))
        {
            if (!RunScopedBlobs.IsOfRun(blob.Metadata, input.RunId))
            {
                await storage.Results.DeleteBlobIfExistsAsync(blob.Name).ConfigureAwait(false);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            LogDeletedStale(logger, input.BatchId, deleted);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Read batch {BatchId}: {Notes} notes from {Files} files in {Shards} shards ({InputErrors} unreadable records)")]
    private static partial void LogPlanned(ILogger logger, string batchId, int notes, int shards, int inputErrors, int files);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Batch {BatchId} starts a new run: deleted {Blobs} blobs an earlier run of that id left")]
    private static partial void LogDeletedStale(ILogger logger, string batchId, int blobs);
}
