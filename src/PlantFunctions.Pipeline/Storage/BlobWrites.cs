using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>Blob writes that are safe to repeat.</summary>
public static class BlobWrites
{
    /// <summary>
    /// Uploads only when the blob does not exist yet (If-None-Match: *). Returns <c>false</c> when it already existed:
    /// an earlier attempt of the same deterministic step wrote it, and it is never replaced or duplicated.
    /// </summary>
    public static async Task<bool> UploadIfAbsentAsync(this BlobClient blob, BinaryData content, string contentType, CancellationToken cancellationToken = default)
    {
        try
        {
            await blob.UploadAsync(content, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>The blob's content, or <c>null</c> when it does not exist.</summary>
    public static async Task<BinaryData?> DownloadIfExistsAsync(this BlobClient blob, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
