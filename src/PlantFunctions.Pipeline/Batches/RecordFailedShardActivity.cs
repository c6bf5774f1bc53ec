using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// A shard failed every attempt: each of its notes gets an error record naming the shard's last error (an unreadable
/// record keeps its own reason), written once per run. If an earlier attempt did write real results (and died before
/// reporting), those stand and the shard counts as coded.
/// </summary>
[DurableTask(TaskNames.RecordFailedShard)]
public sealed partial class RecordFailedShardActivity(PlantStorage storage, ILogger<RecordFailedShardActivity> logger) : TaskActivity<ShardTask, ShardOutcome>
{
    /// <inheritdoc />
    public override async Task<ShardOutcome> RunAsync(TaskActivityContext context, ShardTask input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string reason = $"shard {input.Shard} failed after {input.Attempts} attempts: {input.Failure ?? "unknown error"}";
        if (await BatchRuns.SupersededByAsync(storage.Results, input.BatchId, input.RunId).ConfigureAwait(false) is { } superseding)
        {
            return new ShardOutcome(input.Shard, 0, 0, 0, $"run {input.RunId} was superseded by run {superseding} of the same batch id");
        }

        var content = (await storage.Results.GetBlobClient(BatchPaths.ShardInput(input.BatchId, input.RunId, input.PlanId, input.Shard)).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
        var records = ShardFiles.ParseInput(content).Select(r => ShardFiles.Failed(r, r.Error ?? reason)).ToList();
        var metadata = new Dictionary<string, string>
        {
            [ShardFiles.OutcomeKey] = "failed",
            [ShardFiles.ReasonKey] = RunScopedBlobs.MetadataText(input.Failure ?? "unknown error"),
            [ShardFiles.AttemptsKey] = input.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var (coded, failed, later) = await ShardFiles.WriteResultOnceAsync(storage, input.BatchId, input.RunId, input.Shard, records, metadata, CancellationToken.None)
            .ConfigureAwait(false);
        if (later is not null)
        {
            return new ShardOutcome(input.Shard, 0, 0, 0, $"run {input.RunId} was superseded by run {later} of the same batch id");
        }

        if (coded > 0)
        {
            return new ShardOutcome(input.Shard, coded, failed, 0);
        }

        PlantTelemetry.ShardFailed(failed);
        LogFailed(logger, input.BatchId, input.Shard, input.Attempts, input.Failure ?? "unknown error");
        return new ShardOutcome(input.Shard, 0, failed, 0, reason);
    }

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Batch {BatchId} shard {Shard} failed after {Attempts} attempts; its notes got error records: {Reason}")]
    private static partial void LogFailed(ILogger logger, string batchId, int shard, int attempts, string reason);
}
