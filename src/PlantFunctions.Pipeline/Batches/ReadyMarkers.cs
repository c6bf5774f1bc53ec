using System.Text;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// Starts a batch from a ready marker: a blob <c>{prefix}/_ready</c> in the notes container, empty or holding a
/// <see cref="ReadyMarker"/>. The Functions app calls this from a blob trigger, the local host from its watcher. The
/// batch id is the marker's or derived from the prefix, so however many times a marker is delivered the batch runs
/// once. A marker that cannot start a batch leaves a Failed instance that says why.
/// </summary>
public sealed partial class ReadyMarkers(PlantStorage storage, BatchStarter starter, ILogger<ReadyMarkers> logger)
{
    /// <summary>The marker's file name.</summary>
    public const string MarkerName = "_ready";

    /// <summary>Metadata the local watcher stamps on a handled marker: the batch id.</summary>
    public const string BatchMetadata = "plantbatch";

    /// <summary>Metadata stamped on a marker that could not start a batch: why.</summary>
    public const string ErrorMetadata = "plantbatcherror";

    /// <summary>Whether a blob name is a ready marker.</summary>
    public static bool IsMarker(string blobName) => blobName.EndsWith("/" + MarkerName, StringComparison.Ordinal);

    /// <summary>
    /// Starts the batch of marker <paramref name="blobName"/>; returns its id, or null when it could not start (logged
    /// and recorded). With <paramref name="stamp"/> the marker gets <see cref="BatchMetadata"/> (and
    /// <see cref="ErrorMetadata"/>) so a polling watcher handles it once; a blob trigger has its own receipts and must
    /// not stamp (a metadata change would look like a new blob to it).
    /// </summary>
    public async Task<string?> HandleAsync(DurableTaskClient client, string blobName, bool stamp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobName);
        string prefix = blobName[..^MarkerName.Length];
        var blob = storage.Notes.GetBlobClient(blobName);
        var content = await blob.DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;   // deleted meanwhile
        }

        ReadyMarker marker = new();
        string? error = null;
        if (content.ToMemory().Length > 0)
        {
            try
            {
                marker = content.ToObjectFromJson<ReadyMarker>(PlantJson.Options) ?? new ReadyMarker();
            }
            catch (JsonException ex)
            {
                error = $"the ready marker is not JSON of the form {{\"batchId\": ..., \"modelVersion\": ...}}: {ex.Message}";
            }
        }

        string batchId = marker.BatchId ?? DeriveBatchId(prefix);
        if (error is null)
        {
            try
            {
                batchId = await starter.StartAsync(client, new BatchStartRequest(prefix, null, batchId, marker.ModelVersion, marker.MinCodes, marker.Threshold, marker.PerCodeThresholds),
                    "marker", cancellationToken).ConfigureAwait(false);
                LogStarted(logger, blobName, batchId);
            }
            catch (PlantRequestException ex)
            {
                error = ex.Message;
            }
        }

        if (error is not null)
        {
            LogRejected(logger, blobName, error);
            await starter.RecordRejectedAsync(client, batchId, prefix, error, cancellationToken).ConfigureAwait(false);
        }

        if (stamp)
        {
            var metadata = new Dictionary<string, string> { [BatchMetadata] = RunScopedBlobs.MetadataText(batchId) };
            if (error is not null)
            {
                metadata[ErrorMetadata] = RunScopedBlobs.MetadataText(error);
            }

            await blob.SetMetadataAsync(metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return error is null ? batchId : null;
    }

    /// <summary>A batch id from a prefix: "a/b/" becomes "a-b".</summary>
    public static string DeriveBatchId(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var id = new StringBuilder();
        foreach (char c in prefix.TrimEnd('/'))
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        string text = id.ToString().TrimStart('.', '_', '-');
        while (text.Contains("..", StringComparison.Ordinal))
        {
            text = text.Replace("..", ".", StringComparison.Ordinal);
        }

        return text.Length > 100 ? text[..100] : text;
    }

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Ready marker {Marker} started batch {BatchId}")]
    private static partial void LogStarted(ILogger logger, string marker, string batchId);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Ready marker {Marker} did not start a batch: {Reason}")]
    private static partial void LogRejected(ILogger logger, string marker, string reason);
}
