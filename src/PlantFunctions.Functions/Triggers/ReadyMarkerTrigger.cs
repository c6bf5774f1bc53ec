using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Functions.Triggers;

/// <summary>
/// Starts a batch when a ready marker (<c>{prefix}/_ready</c>) lands in the notes container. The trigger fires for every
/// blob written there, note files of gigabytes too, so it binds a <see cref="BlobClient"/> (the host downloads nothing)
/// and looks only at the name; a marker's content is read by <see cref="ReadyMarkers"/>. The blob trigger delivers at
/// least once and keeps its own receipts; the batch id (the marker's, or derived from the prefix) makes every further
/// delivery a no-op. Needs the app setting <c>Plant__Containers__Notes</c> (the trigger's path names it).
/// </summary>
public sealed class ReadyMarkerTrigger(ReadyMarkers markers)
{
    /// <summary>A blob was written in the notes container.</summary>
    [Function("ReadyMarker")]
    public async Task RunAsync([BlobTrigger("%Plant:Containers:Notes%/{name}", Connection = "AzureWebJobsStorage")] BlobClient blob, string name,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (ReadyMarkers.IsMarker(name))
        {
            await markers.HandleAsync(client, name, stamp: false, cancellationToken).ConfigureAwait(false);
        }
    }
}
