using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Handles one work item: drops it when its batch is gone, finished or terminated, or its shard is already done;
/// otherwise keeps the claim alive, codes the shard on the inference thread, writes its result blob once, records the
/// outcome and counters in one transaction, and runs the fan-in when that transaction finished the last shard.
/// Failures are retried with growing delays; the delivery after <c>MaxAttempts</c> (or the failure of the last
/// attempt) poisons the shard: error records for its notes, the poison queue, and the shard recorded as Failed.
/// </summary>
internal sealed partial class ShardProcessor(
    TaskHub hub,
    BatchStore store,
    CoderCache coders,
    InferenceThread inference,
    BatchFinisher finisher,
    TimeProvider time,
    IOptions<BatchOptions> batchOptions,
    IOptions<WorkerOptions> workerOptions,
    ILogger<ShardProcessor> logger)
{
    private readonly string workerId = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task ProcessAsync(QueueMessage message, CancellationToken stopping)
    {
        var lease = new MessageLease(hub.WorkItems, message, workerOptions.Value.VisibilityTimeout, time);
        await using (lease.ConfigureAwait(false))
        {
            var item = TryParse(message);
            if (item is null)
            {
                LogBadMessage(logger, message.MessageId);
                await lease.DeleteAsync(stopping).ConfigureAwait(false);
                return;
            }

            var batch = await store.GetBatchAsync(item.BatchId, stopping).ConfigureAwait(false);
            var shard = batch is null ? null : await store.GetShardAsync(item.BatchId, item.Shard, stopping).ConfigureAwait(false);
            var batchStatus = RuntimeStatusExtensions.ParseStatus(batch?.Status);
            if (batch is null || shard is null || batchStatus.IsTerminal() || RuntimeStatusExtensions.ParseStatus(shard.Status).IsTerminal())
            {
                LogDropped(logger, item.BatchId, item.Shard, batch is null ? "unknown batch" : shard is null ? "unknown shard" : batchStatus.IsTerminal() ? $"batch is {batchStatus}" : "shard already done");
                await lease.DeleteAsync(stopping).ConfigureAwait(false);
                return;
            }

            int maxAttempts = batchOptions.Value.MaxAttempts;
            if (message.DequeueCount > maxAttempts)
            {
                await PoisonAsync(batch, shard, message.DequeueCount, shard.LastError ?? "the worker stopped (crashed or was killed) during every attempt", lease, stopping).ConfigureAwait(false);
                return;
            }

            shard.Status = nameof(RuntimeStatus.Running);
            shard.Attempts = (int)message.DequeueCount;
            shard.Worker = workerId;
            shard.StartedTime = time.GetUtcNow();
            await store.TryReplaceShardAsync(shard, stopping).ConfigureAwait(false);
            await RunAttemptAsync(batch, shard, lease, stopping).ConfigureAwait(false);
        }
    }

    private async Task RunAttemptAsync(BatchEntity batch, ShardEntity shard, MessageLease lease, CancellationToken stopping)
    {
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
        bool terminated = false;
        lease.StartHeartbeat(async ct =>
        {
            var current = await store.GetBatchAsync(batch.BatchId, ct).ConfigureAwait(false);
            if (current is null || RuntimeStatusExtensions.ParseStatus(current.Status) == RuntimeStatus.Terminated)
            {
                terminated = true;
                await work.CancelAsync().ConfigureAwait(false);
            }
        });
        long attempt = lease.Message.DequeueCount;
        try
        {
            var outcome = await CodeShardAsync(batch, shard.Index, work.Token).ConfigureAwait(false);
            var completion = await store.CompleteShardAsync(batch.BatchId, shard.Index, outcome, stopping).ConfigureAwait(false);
            await lease.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
            LogShardDone(logger, batch.BatchId, shard.Index, outcome.NotesCoded, outcome.NotesFailed, attempt, completion.Recorded);
            if (completion.Recorded && completion.Progress.ShardsDone == batch.ShardCount)
            {
                await finisher.FinishAsync(batch.BatchId, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (terminated)
        {
            LogDropped(logger, batch.BatchId, shard.Index, "batch was terminated while the shard was being coded");
            await lease.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            LogClaimLost(logger, batch.BatchId, shard.Index);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: let another worker take the shard now rather than after the visibility timeout.
            await lease.ReleaseAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            string reason = $"{ex.GetType().Name}: {ex.Message}";
            LogAttemptFailed(logger, ex, batch.BatchId, shard.Index, attempt, batchOptions.Value.MaxAttempts);
            await RecordErrorAsync(batch.BatchId, shard.Index, reason, stopping).ConfigureAwait(false);
            if (attempt >= batchOptions.Value.MaxAttempts)
            {
                await PoisonAsync(batch, shard, attempt, reason, lease, stopping).ConfigureAwait(false);
            }
            else
            {
                await lease.ReleaseAsync(batchOptions.Value.RetryDelayAfter(attempt), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<ShardOutcome> CodeShardAsync(BatchEntity batch, int index, CancellationToken cancellationToken)
    {
        var content = (await hub.Results.GetBlobClient(BatchPaths.ShardInput(batch.BatchId, index)).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        var inputs = BatchPlanner.ParseInput(content);
        var notes = inputs.Where(r => r.Error is null).Select(r => new ClinicalNote(r.Id, r.Text ?? "")).ToList();
        NoteResults coded = new([], []);
        long codingMilliseconds = 0;
        if (notes.Count > 0)
        {
            var model = new ModelVersionInfo(batch.ModelName, batch.ModelVersion, batch.ModelBlob, 0, new Dictionary<string, double>(), null, batch.CreatedTime, false);
            using var lease = await coders.AcquireAsync(model, cancellationToken).ConfigureAwait(false);
            (coded, codingMilliseconds) = await inference.RunAsync(() =>
            {
                long started = time.GetTimestamp();
                var options = new CodingOptions { MinCodes = batch.MinCodes, Threshold = (float?)batch.Threshold };
                var result = CodeIsolatingBadNotes(lease.Coder, notes, options, cancellationToken);
                return (result, (long)time.GetElapsedTime(started).TotalMilliseconds);
            }, cancellationToken).ConfigureAwait(false);
        }

        if (coded.Coded.Count != notes.Count)
        {
            throw new InvalidOperationException($"the coder returned {coded.Coded.Count} results for {notes.Count} notes");
        }

        var records = new List<ResultRecord>(inputs.Count);
        int next = 0;
        foreach (var input in inputs)
        {
            if (input.Error is not null)
            {
                records.Add(ResultRecord.Failed(input, input.Error));
                continue;
            }

            var result = coded.Coded[next];
            string? error = coded.Errors[next++];
            if (error is not null)
            {
                records.Add(ResultRecord.Failed(input, error));
                continue;
            }

            if (!string.Equals(result!.NoteId, input.Id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the coder returned note '{result.NoteId}' where '{input.Id}' was expected");
            }

            records.Add(ResultRecord.Coded(input, result, batch.ModelVersion));
        }

        var written = await ShardResults.WriteOnceAsync(hub, batch.BatchId, index, records, cancellationToken).ConfigureAwait(false);
        return new ShardOutcome(RuntimeStatus.Completed, written.Coded, written.Failed, codingMilliseconds, null);
    }

    /// <summary>
    /// Codes the notes as one group; if the coder throws, codes them one at a time (a note that fails is tried twice) so
    /// that a note the model cannot code becomes an error record and the others are still coded. When every note fails on its own too, the fault is not
    /// in the notes (a device or model problem): the group's exception is rethrown and the shard is retried.
    /// </summary>
    private static NoteResults CodeIsolatingBadNotes(INoteCoder coder, List<ClinicalNote> notes, CodingOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return new NoteResults(coder.Code(notes, options, cancellationToken), new string?[notes.Count]);
        }
        catch (Exception) when (notes.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
            var coded = new CodedNote?[notes.Count];
            var errors = new string?[notes.Count];
            for (int i = 0; i < notes.Count; i++)
            {
                for (int attempt = 1; attempt <= 2 && coded[i] is null; attempt++)
                {
                    try
                    {
                        coded[i] = coder.Code([notes[i]], options, cancellationToken).Single();
                        errors[i] = null;
                    }
                    catch (Exception single) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Twice, so a passing fault (a device out of memory for a moment) does not brand a good note.
                        errors[i] = $"the model could not code this note: {single.GetType().Name}: {single.Message}";
                    }
                }
            }

            if (errors.All(e => e is not null))
            {
                throw;
            }

            return new NoteResults(coded, errors);
        }
    }

    /// <summary>Per note, in order: the coded result, or the reason it could not be coded.</summary>
    private sealed record NoteResults(IReadOnlyList<CodedNote?> Coded, IReadOnlyList<string?> Errors);

    private async Task PoisonAsync(BatchEntity batch, ShardEntity shard, long attempts, string reason, MessageLease lease, CancellationToken cancellationToken)
    {
        string failure = $"shard {shard.Index} failed after {attempts} attempts: {reason}";
        var content = await hub.Results.GetBlobClient(BatchPaths.ShardInput(batch.BatchId, shard.Index)).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
        var inputs = content is null ? [] : BatchPlanner.ParseInput(content);
        var records = inputs.Select(i => ResultRecord.Failed(i, i.Error ?? failure)).ToList();
        var (coded, failed) = await ShardResults.WriteOnceAsync(hub, batch.BatchId, shard.Index, records, cancellationToken).ConfigureAwait(false);
        ShardOutcome outcome;
        if (coded > 0)
        {
            // An earlier attempt wrote real results and died before recording them: the shard is done after all.
            outcome = new ShardOutcome(RuntimeStatus.Completed, coded, failed, 0, null);
        }
        else
        {
            await hub.Poison.SendMessageAsync(PlantJson.ToBinary(new PoisonedWorkItem(batch.BatchId, shard.Index, attempts, BatchStore.Truncate(reason)!, time.GetUtcNow())),
                timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken).ConfigureAwait(false);
            outcome = new ShardOutcome(RuntimeStatus.Failed, 0, content is null ? shard.NoteCount : failed, 0, failure);
            LogPoisoned(logger, batch.BatchId, shard.Index, attempts, reason);
        }

        var completion = await store.CompleteShardAsync(batch.BatchId, shard.Index, outcome, cancellationToken).ConfigureAwait(false);
        await lease.DeleteAsync(CancellationToken.None).ConfigureAwait(false);
        if (completion.Recorded && completion.Progress.ShardsDone == batch.ShardCount)
        {
            await finisher.FinishAsync(batch.BatchId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RecordErrorAsync(string batchId, int index, string reason, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var shard = await store.GetShardAsync(batchId, index, cancellationToken).ConfigureAwait(false);
            if (shard is null || RuntimeStatusExtensions.ParseStatus(shard.Status).IsTerminal())
            {
                return;
            }

            shard.LastError = BatchStore.Truncate(reason);
            if (await store.TryReplaceShardAsync(shard, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static WorkItem? TryParse(QueueMessage message)
    {
        try
        {
            var item = message.Body.ToObjectFromJson<WorkItem>(PlantJson.Options);
            return item is { BatchId.Length: > 0, Shard: >= 0 } && NameRules.IsValidId(item.BatchId, "batch id", out _) ? item : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Deleted unreadable work item {MessageId}")]
    private static partial void LogBadMessage(ILogger logger, string messageId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Dropped work item for batch {BatchId} shard {Shard}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string batchId, int shard, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Coded batch {BatchId} shard {Shard}: {Coded} notes coded, {Failed} error records (attempt {Attempt}, recorded {Recorded})")]
    private static partial void LogShardDone(ILogger logger, string batchId, int shard, int coded, int failed, long attempt, bool recorded);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Batch {BatchId} shard {Shard} attempt {Attempt} of {MaxAttempts} failed")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string batchId, int shard, long attempt, int maxAttempts);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Batch {BatchId} shard {Shard} poisoned after {Attempts} attempts: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string batchId, int shard, long attempts, string reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Lost the claim on batch {BatchId} shard {Shard} to another worker; leaving it to them")]
    private static partial void LogClaimLost(ILogger logger, string batchId, int shard);
}
