using System.Globalization;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Where a batch's blobs live in the results container. Shard numbers are zero-padded so names sort in shard order.
/// Planned inputs sit under the run's own folder; results and the summary carry the run id in their metadata, so a
/// batch id that was purged and used again never mixes two runs.
/// </summary>
public static class BatchPaths
{
    /// <summary>The results folder of a batch.</summary>
    public static string ResultsPrefix(string batchId) => $"{batchId}/";

    /// <summary>The prefix every shard result blob of a batch starts with.</summary>
    public static string ShardResultsPrefix(string batchId) => $"{batchId}/shard-";

    /// <summary>A shard's coded records (one JSON Lines record per input note).</summary>
    public static string ShardResult(string batchId, int shard) => $"{batchId}/shard-{Number(shard)}.jsonl";

    /// <summary>The folder of planned inputs of every run of a batch id (deleted when a run ends).</summary>
    public static string WorkPrefix(string batchId) => $"{batchId}/_work/";

    /// <summary>A shard's planned input: canonical notes and error placeholders.</summary>
    public static string ShardInput(string batchId, string runId, int shard) => $"{batchId}/_work/{runId}/shard-{Number(shard)}.jsonl";

    /// <summary>The plan of a run, written once the notes are all read (its presence says the shard inputs are complete).</summary>
    public static string Plan(string batchId, string runId) => $"{batchId}/_work/{runId}/plan.json";

    /// <summary>Written when a run is terminated: shards not started yet are then left to the close-out instead of being coded.</summary>
    public static string Terminated(string batchId, string runId) => $"{batchId}/_work/{runId}/_terminated";

    /// <summary>The batch summary.</summary>
    public static string Summary(string batchId) => $"{batchId}/summary.json";

    private static string Number(int shard) => shard.ToString("D6", CultureInfo.InvariantCulture);
}
