using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Model.Coding;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The JSON Lines files of a batch: planned shard inputs (<see cref="ShardInputRecord"/>) and shard results
/// (<see cref="ResultRecord"/>, one per input record, in input order), written once per run.
/// </summary>
internal static class ShardFiles
{
    /// <summary>Result-blob metadata: how the shard ended ("coded" or "failed").</summary>
    public const string OutcomeKey = "plantoutcome";

    /// <summary>Result-blob metadata of a failed shard: why.</summary>
    public const string ReasonKey = "plantreason";

    /// <summary>Result-blob metadata of a failed shard: attempts made.</summary>
    public const string AttemptsKey = "plantattempts";

    /// <summary>JSON Lines bytes of <paramref name="records"/>.</summary>
    public static BinaryData ToJsonLines<T>(IEnumerable<T> records)
    {
        var buffer = new MemoryStream();
        foreach (var record in records)
        {
            JsonSerializer.Serialize(buffer, record, PlantJson.Options);
            buffer.WriteByte((byte)'\n');
        }

        return new BinaryData(buffer.ToArray());
    }

    /// <summary>The records of a planned shard input.</summary>
    public static List<ShardInputRecord> ParseInput(BinaryData content) =>
        [.. Lines(content).Select(line => JsonSerializer.Deserialize<ShardInputRecord>(line, PlantJson.Options) ?? throw new InvalidDataException("empty line in a shard input"))];

    /// <summary>The record of a coded note.</summary>
    public static ResultRecord Coded(ShardInputRecord input, CodedNote coded, string modelVersion) => new(
        input.Id,
        input.Source,
        modelVersion,
        [.. coded.Codes.Select(c => new ResultCode(c.Code, c.Description, c.Probability, [.. c.Evidence.Select(e => new ResultEvidence(e.Text, e.Start, e.Length, e.Weight, e.Assertion))], c.NonAffirmedShare))]);

    /// <summary>The record of a note that could not be coded.</summary>
    public static ResultRecord Failed(ShardInputRecord input, string reason) => new(input.Id, input.Source, Error: reason);

    /// <summary>
    /// Writes a shard's result blob once per run (see <see cref="BatchRuns.WriteCheckedAsync"/>) and returns the counts
    /// of what the blob holds: this call's records, or those of the run's first writer; or, when a later run of the
    /// batch id owns its results, that run's id and no counts (nothing was written).
    /// </summary>
    public static async Task<(int Coded, int Failed, string? SupersededBy)> WriteResultOnceAsync(PlantStorage storage, string batchId, string runId, int shard,
        IReadOnlyList<ResultRecord> records, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var write = await BatchRuns.WriteCheckedAsync(storage.Results, batchId, runId, storage.Results.GetBlobClient(BatchPaths.ShardResult(batchId, shard)),
            ToJsonLines(records), "application/x-ndjson", metadata, cancellationToken).ConfigureAwait(false);
        if (write.SupersededBy is { } later)
        {
            return (0, 0, later);
        }

        var (coded, failed) = write.Existing is { } existing
            ? Tally(existing.Content)
            : (records.Count(r => r.Error is null), records.Count(r => r.Error is not null));
        return (coded, failed, null);
    }

    /// <summary>A shard's result blob when this run wrote it.</summary>
    public static Task<BlobDownloadResult?> ReadResultAsync(PlantStorage storage, string batchId, string runId, int shard, CancellationToken cancellationToken) =>
        RunScopedBlobs.ReadOfRunAsync(storage.Results.GetBlobClient(BatchPaths.ShardResult(batchId, shard)), runId, cancellationToken);

    /// <summary>Coded and failed records in a result blob; adds each assigned code to <paramref name="codeCounts"/> when given.</summary>
    public static (int Coded, int Failed) Tally(BinaryData content, SortedDictionary<string, int>? codeCounts = null)
    {
        int coded = 0, failed = 0;
        foreach (string line in Lines(content))
        {
            using var record = JsonDocument.Parse(line);
            if (record.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                failed++;
                continue;
            }

            coded++;
            if (codeCounts is null || !record.RootElement.TryGetProperty("codes", out var codes) || codes.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var code in codes.EnumerateArray())
            {
                if (code.TryGetProperty("code", out var value) && value.GetString() is { } text)
                {
                    codeCounts[text] = codeCounts.GetValueOrDefault(text) + 1;
                }
            }
        }

        return (coded, failed);
    }

    private static IEnumerable<string> Lines(BinaryData content) =>
        Encoding.UTF8.GetString(content.ToMemory().Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
