using System.Globalization;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Where a batch's blobs live in the results container. Shard numbers are zero-padded so names sort in shard order.
/// Planned inputs sit under the run's own folder; results and the summary carry the run id in their metadata, and
/// <see cref="BatchRuns"/> keeps an older run of a reused batch id from writing over a newer one.
/// </summary>
public static class BatchPaths
{
    /// <summary>The results folder of a batch.</summary>
    public static string ResultsPrefix(string batchId) => $"{batchId}/";

    /// <summary>The prefix every shard result blob of a batch starts with.</summary>
    public static string ShardResultsPrefix(string batchId) => $"{batchId}/shard-";

    /// <summary>A shard's coded records (one JSON Lines record per input note).</summary>
    public static string ShardResult(string batchId, int shard) => $"{batchId}/shard-{Number(shard)}.jsonl";

    /// <summary>The folder of planned inputs of every run of a batch id (a run's own folder is deleted when it ends).</summary>
    public static string WorkPrefix(string batchId) => $"{batchId}/_work/";

    /// <summary>The folder of one run's planned inputs, plan and markers.</summary>
    public static string RunWorkPrefix(string batchId, string runId) => $"{batchId}/_work/{runId}/";

    /// <summary>
    /// A shard's planned input: canonical notes and error placeholders. <paramref name="planId"/> names the reading of
    /// the notes whose plan was kept (null: the layout of runs planned before plans had ids).
    /// </summary>
    public static string ShardInput(string batchId, string runId, string? planId, int shard) =>
        planId is null ? $"{batchId}/_work/{runId}/shard-{Number(shard)}.jsonl" : $"{batchId}/_work/{runId}/{planId}/shard-{Number(shard)}.jsonl";

    /// <summary>The plan of a run, written once the notes are all read (its presence says the shard inputs are complete).</summary>
    public static string Plan(string batchId, string runId) => $"{batchId}/_work/{runId}/plan.json";

    /// <summary>Written when a run is terminated: shards not started yet are then left to the close-out instead of being coded.</summary>
    public static string Terminated(string batchId, string runId) => $"{batchId}/_work/{runId}/_terminated";

    /// <summary>A shard's delivery record: how often it was delivered without a result, and notes that crashed their worker.</summary>
    public static string Deliveries(string batchId, string runId, int shard) => $"{batchId}/_work/{runId}/deliveries/shard-{Number(shard)}.json";

    /// <summary>The batch summary.</summary>
    public static string Summary(string batchId) => $"{batchId}/summary.json";

    /// <summary>The run that owns the batch id's results (written by the run's <c>PlanBatch</c>; see <see cref="BatchRuns"/>).</summary>
    public static string Owner(string batchId) => $"{batchId}/_owner";

    /// <summary>The counter from which each start of the batch id takes its run's sequence number (see <see cref="BatchRuns"/>).</summary>
    public static string RunCounter(string batchId) => $"{batchId}/_runs";

    /// <summary>The run id a blob under <see cref="WorkPrefix"/> belongs to (the folder name), or null.</summary>
    public static string? RunOfWorkBlob(string batchId, string blobName)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        string work = WorkPrefix(batchId);
        if (!blobName.StartsWith(work, StringComparison.Ordinal))
        {
            return null;
        }

        int slash = blobName.IndexOf('/', work.Length);
        return slash < 0 ? null : blobName[work.Length..slash];
    }

    private static string Number(int shard) => shard.ToString("D6", CultureInfo.InvariantCulture);
}
