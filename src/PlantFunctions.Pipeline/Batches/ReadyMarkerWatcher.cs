using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The local stand-in for a blob-created event: lists the notes container for <c>{prefix}/_ready</c> markers and
/// starts a batch for each new one. A handled marker gets the metadata <c>plantbatch</c> (and <c>plantbatcherror</c>
/// when the batch could not start), so it is started once however many coordinators watch.
/// </summary>
internal sealed partial class ReadyMarkerWatcher(
    TaskHub hub,
    BatchService batches,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<BatchOptions> options,
    ILogger<ReadyMarkerWatcher> logger) : BackgroundService
{
    /// <summary>The marker's file name.</summary>
    public const string MarkerName = "_ready";

    private const string BatchMetadata = "plantbatch";
    private const string ErrorMetadata = "plantbatcherror";

    /// <summary>One pass over the notes container.</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        await foreach (var blob in hub.Notes.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Name.EndsWith("/" + MarkerName, StringComparison.Ordinal) || blob.Metadata.ContainsKey(BatchMetadata))
            {
                continue;
            }

            try
            {
                await StartAsync(blob, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogMarkerError(logger, ex, blob.Name);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!plant.Value.ParsedRoles.HasFlag(PlantRoles.Coordinator) || !options.Value.WatchReadyMarkers)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.MarkerPollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogMarkerError(logger, ex, "*");
                try
                {
                    await Task.Delay(options.Value.MarkerPollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    internal static string DeriveBatchId(string prefix)
    {
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

    private async Task StartAsync(BlobItem blob, CancellationToken cancellationToken)
    {
        var client = hub.Notes.GetBlobClient(blob.Name);
        string prefix = blob.Name[..^MarkerName.Length];
        ReadyMarker marker = new();
        string? error = null;
        var content = await client.DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
        if (content is not null && content.ToMemory().Length > 0)
        {
            try
            {
                marker = content.ToObjectFromJson<ReadyMarker>(PlantJson.Options) ?? new ReadyMarker();
            }
            catch (JsonException ex)
            {
                error = $"the marker is not JSON of the form {{\"batchId\": ..., \"modelVersion\": ...}}: {ex.Message}";
            }
        }

        string batchId = marker.BatchId ?? DeriveBatchId(prefix);
        var request = new BatchStartRequest(prefix, null, batchId, marker.ModelVersion, marker.MinCodes, marker.Threshold);
        if (error is null)
        {
            try
            {
                var view = await batches.StartAsync(request, "marker", cancellationToken).ConfigureAwait(false);
                batchId = view.Id;
                LogStarted(logger, blob.Name, batchId);
            }
            catch (PlantRequestException ex)
            {
                error = ex.Message;
            }
        }

        if (error is not null)
        {
            LogRejected(logger, blob.Name, error);
            try
            {
                await batches.RecordRejectedAsync(request with { ModelVersion = null }, "marker", error, cancellationToken).ConfigureAwait(false);
            }
            catch (PlantRequestException)
            {
                // The id or prefix itself is unusable: the marker's metadata is the only place to say why.
            }
        }

        var metadata = new Dictionary<string, string>(blob.Metadata) { [BatchMetadata] = AsciiOnly(batchId) };
        if (error is not null)
        {
            metadata[ErrorMetadata] = AsciiOnly(error);
        }

        await client.SetMetadataAsync(metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static string AsciiOnly(string text)
    {
        var clean = new string([.. text.Select(c => c is >= ' ' and <= '~' ? c : '?')]);
        return clean.Length > 512 ? clean[..512] : clean;
    }

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "Ready marker {Marker} started batch {BatchId}")]
    private static partial void LogStarted(ILogger logger, string marker, string batchId);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Ready marker {Marker} did not start a batch: {Reason}")]
    private static partial void LogRejected(ILogger logger, string marker, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Error, Message = "Could not handle ready marker {Marker}")]
    private static partial void LogMarkerError(ILogger logger, Exception exception, string marker);
}
