using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Plans a batch: streams its note files once (errors collected, not thrown), cuts the records into shards of the
/// batch's notes-per-shard, writes each shard's input blob and row, then sends one work item per shard and marks the
/// batch Running. Every step is idempotent and deterministic: planning again after a crash keeps what exists (input
/// blobs If-None-Match, rows insert-only) and only sends the work items not yet sent.
/// </summary>
internal sealed partial class BatchPlanner(TaskHub hub, BatchStore store, BatchFinisher finisher, TimeProvider time, ILogger<BatchPlanner> logger)
{
    public async Task PlanAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var batch = await store.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (batch is null || RuntimeStatusExtensions.ParseStatus(batch.Status) != RuntimeStatus.Pending)
        {
            return;
        }

        var files = new List<string>();
        int skipped = 0;
        await foreach (var blob in hub.Notes.GetBlobsAsync(BlobTraits.None, BlobStates.None, batch.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (NoteReader.FormatOf(blob.Name) is null)
            {
                skipped++;
            }
            else
            {
                files.Add(blob.Name);
            }
        }

        files.Sort(StringComparer.Ordinal);
        if (files.Count == 0)
        {
            await FailAsync(batchId, $"no note files (.jsonl, .ndjson, .csv, .txt) under '{hub.Notes.Name}/{batch.Prefix}'", cancellationToken).ConfigureAwait(false);
            return;
        }

        await store.EnsureProgressAsync(batchId, cancellationToken).ConfigureAwait(false);
        var (shards, notes, inputErrors) = await Task.Run(() => WriteShards(batch, files, cancellationToken), cancellationToken).ConfigureAwait(false);
        var (planned, _) = await store.UpdateBatchAsync(batchId, b =>
        {
            if (RuntimeStatusExtensions.ParseStatus(b.Status) != RuntimeStatus.Pending)
            {
                return false;
            }

            b.ShardCount = shards.Count;
            b.NoteCount = notes;
            b.InputErrors = inputErrors;
            b.SkippedFiles = skipped;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (planned is null || RuntimeStatusExtensions.ParseStatus(planned.Status) != RuntimeStatus.Pending)
        {
            return;
        }

        int sent = 0;
        foreach (var shard in shards.Where(s => !s.Enqueued))
        {
            await hub.WorkItems.SendMessageAsync(PlantJson.ToBinary(new WorkItem(batchId, shard.Index)), timeToLive: TimeSpan.FromSeconds(-1),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            shard.Enqueued = true;
            if (!await store.TryReplaceShardAsync(shard, cancellationToken).ConfigureAwait(false))
            {
                // A worker already took the shard (its row changed): the flag only saves a duplicate message next time.
            }

            sent++;
        }

        var (running, changed) = await store.UpdateBatchAsync(batchId, b =>
        {
            if (RuntimeStatusExtensions.ParseStatus(b.Status) != RuntimeStatus.Pending)
            {
                return false;
            }

            b.Status = nameof(RuntimeStatus.Running);
            b.StartedTime = time.GetUtcNow();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            LogPlanned(logger, batchId, notes, shards.Count, inputErrors, sent);
        }

        if (running is not null && shards.Count == 0)
        {
            await finisher.FinishAsync(batchId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FailAsync(string batchId, string reason, CancellationToken cancellationToken)
    {
        await store.UpdateBatchAsync(batchId, b =>
        {
            if (RuntimeStatusExtensions.ParseStatus(b.Status).IsTerminal())
            {
                return false;
            }

            b.Status = nameof(RuntimeStatus.Failed);
            b.Error = reason;
            b.ShardCount = 0;
            b.CompletedTime = time.GetUtcNow();
            return true;
        }, cancellationToken).ConfigureAwait(false);
        LogPlanningFailed(logger, batchId, reason);
    }

    // Synchronous on purpose: the note readers are synchronous streams over the blobs; this runs on a pool thread.
    private (List<ShardEntity> Shards, int Notes, int InputErrors) WriteShards(BatchEntity batch, List<string> files, CancellationToken cancellationToken)
    {
        var options = NoteReaderOptions.Collecting with { MaxNoteChars = batch.MaxNoteChars };
        var shards = new List<ShardEntity>();
        var current = new List<ShardInputRecord>();
        int notes = 0, inputErrors = 0;
        var records = NoteReader.Checked(files.SelectMany(file => ReadBlob(file, options, cancellationToken)), options);
        foreach (var result in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            current.Add(ToInput(result));
            notes++;
            inputErrors += result.Note is null ? 1 : 0;
            if (current.Count == batch.NotesPerShard)
            {
                shards.Add(WriteShard(batch, shards.Count, current, cancellationToken));
                current.Clear();
            }
        }

        if (current.Count > 0)
        {
            shards.Add(WriteShard(batch, shards.Count, current, cancellationToken));
        }

        return (shards, notes, inputErrors);
    }

    private IEnumerable<NoteReadResult> ReadBlob(string name, NoteReaderOptions options, CancellationToken cancellationToken)
    {
        using var stream = hub.Notes.GetBlobClient(name).OpenRead(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        foreach (var result in NoteReader.Read(stream, name, options))
        {
            yield return result;
        }
    }

    private static ShardInputRecord ToInput(NoteReadResult result) => result.Note is { } note
        ? new ShardInputRecord(note.Id, result.Location, note.Text)
        : new ShardInputRecord(result.Error!.NoteId ?? result.Location, result.Location, Error: result.Error.Reason);

    private ShardEntity WriteShard(BatchEntity batch, int index, List<ShardInputRecord> records, CancellationToken cancellationToken)
    {
        var content = new MemoryStream();
        foreach (var record in records)
        {
            JsonSerializer.Serialize(content, record, PlantJson.Options);
            content.WriteByte((byte)'\n');
        }

        var blob = hub.Results.GetBlobClient(BatchPaths.ShardInput(batch.BatchId, index));
        blob.UploadIfAbsentAsync(new BinaryData(content.ToArray()), "application/x-ndjson", cancellationToken).GetAwaiter().GetResult();
        return store.AddShardIfMissingAsync(new ShardEntity
        {
            PartitionKey = batch.BatchId,
            RowKey = BatchPaths.ShardKey(index),
            Index = index,
            NoteCount = records.Count,
            InputErrors = records.Count(r => r.Error is not null),
        }, cancellationToken).GetAwaiter().GetResult();
    }

    internal static List<ShardInputRecord> ParseInput(BinaryData content)
    {
        var records = new List<ShardInputRecord>();
        foreach (string line in Encoding.UTF8.GetString(content.ToMemory().Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            records.Add(JsonSerializer.Deserialize<ShardInputRecord>(line, PlantJson.Options)
                        ?? throw new InvalidDataException("empty line in a shard input"));
        }

        return records;
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Planned batch {BatchId}: {Notes} notes in {Shards} shards ({InputErrors} unreadable records), sent {Sent} work items")]
    private static partial void LogPlanned(ILogger logger, string batchId, int notes, int shards, int inputErrors, int sent);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Batch {BatchId} failed at planning: {Reason}")]
    private static partial void LogPlanningFailed(ILogger logger, string batchId, string reason);
}
