using System.Text;
using System.Text.Json;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// A shard's result blob: its records in JSON Lines, written at most once (If-None-Match), so whoever writes first
/// (the worker that coded it, the poisoning, the close-out of a terminated batch) decides what it holds.
/// </summary>
internal static class ShardResults
{
    /// <summary>Writes the records unless the blob exists; returns the counts of what the blob holds.</summary>
    public static async Task<(int Coded, int Failed)> WriteOnceAsync(TaskHub hub, string batchId, int index, IReadOnlyList<ResultRecord> records, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        foreach (var record in records)
        {
            JsonSerializer.Serialize(buffer, record, PlantJson.Options);
            buffer.WriteByte((byte)'\n');
        }

        var blob = hub.Results.GetBlobClient(BatchPaths.ShardResult(batchId, index));
        if (await blob.UploadIfAbsentAsync(new BinaryData(buffer.ToArray()), "application/x-ndjson", cancellationToken).ConfigureAwait(false))
        {
            return (records.Count(r => r.Error is null), records.Count(r => r.Error is not null));
        }

        return Tally((await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content);
    }

    /// <summary>Coded and failed records in a result blob; adds each assigned code to <paramref name="codeCounts"/> when given.</summary>
    public static (int Coded, int Failed) Tally(BinaryData content, SortedDictionary<string, int>? codeCounts = null)
    {
        int coded = 0, failed = 0;
        foreach (string line in Encoding.UTF8.GetString(content.ToMemory().Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
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
}
