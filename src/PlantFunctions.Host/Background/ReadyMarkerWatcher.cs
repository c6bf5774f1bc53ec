using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host.Background;

/// <summary>
/// The local stand-in for the Functions app's blob trigger: lists the notes container every
/// <c>Plant:Batches:MarkerPollInterval</c> for <c>{prefix}/_ready</c> markers it has not handled and starts their
/// batches (<see cref="ReadyMarkers"/>); a handled marker is stamped with the batch id, its receipt. Several API hosts
/// may watch one container: the batch id makes a second start of the same marker a no-op.
/// </summary>
internal sealed partial class ReadyMarkerWatcher(
    PlantStorage storage,
    ReadyMarkers markers,
    DurableTaskClient client,
    TimeProvider time,
    IOptions<LocalHostOptions> host,
    IOptions<BatchOptions> options,
    ILogger<ReadyMarkerWatcher> logger) : BackgroundService
{
    /// <summary>One pass over the notes container.</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Notes.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, null, cancellationToken).ConfigureAwait(false))
        {
            if (!ReadyMarkers.IsMarker(blob.Name) || blob.Metadata.ContainsKey(ReadyMarkers.BatchMetadata))
            {
                continue;
            }

            try
            {
                await markers.HandleAsync(client, blob.Name, stamp: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogMarkerError(logger, ex, blob.Name);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!host.Value.ParsedRoles.HasFlag(PlantRoles.Api) || !options.Value.WatchReadyMarkers)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogMarkerError(logger, ex, "*");
            }

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

    [LoggerMessage(EventId = 2402, Level = LogLevel.Error, Message = "Could not handle ready marker {Marker}")]
    private static partial void LogMarkerError(ILogger logger, Exception exception, string marker);
}
