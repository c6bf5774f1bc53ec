using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// Blobs written once per run: the first writer of a run wins (If-None-Match) and every later attempt of the same run
/// reads what it wrote, which is what at-least-once activities need. A blob of another run (a batch id that was purged
/// and started again, or an activity of a terminated run finishing late) is replaced, conditioned on its ETag.
/// </summary>
public static class RunScopedBlobs
{
    /// <summary>Metadata key holding the run id.</summary>
    public const string RunKey = "plantrun";

    /// <summary>
    /// Writes <paramref name="content"/> unless the blob already holds this run's content. Returns <c>null</c> when this
    /// call wrote it, otherwise the blob as the run's first writer left it.
    /// </summary>
    public static async Task<BlobDownloadResult?> WriteOnceAsync(BlobClient blob, BinaryData content, string contentType, string runId,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var tags = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { [RunKey] = runId };
        var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        for (int attempt = 0; attempt < 8; attempt++)
        {
            try
            {
                await blob.UploadAsync(content, new BlobUploadOptions
                {
                    Conditions = conditions,
                    Metadata = tags,
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                }, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone wrote it first (or replaced the stale blob we meant to replace): look at what is there now.
            }

            var existing = await DownloadIfExistsAsync(blob, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
                continue;
            }

            if (IsOfRun(existing.Details.Metadata, runId))
            {
                return existing;
            }

            conditions = new BlobRequestConditions { IfMatch = existing.Details.ETag };
        }

        throw new InvalidOperationException($"could not write '{blob.Name}': it kept changing under concurrent writers");
    }

    /// <summary>The blob when it exists and belongs to <paramref name="runId"/>; otherwise <c>null</c>.</summary>
    public static async Task<BlobDownloadResult?> ReadOfRunAsync(BlobClient blob, string runId, CancellationToken cancellationToken = default)
    {
        var existing = await DownloadIfExistsAsync(blob, cancellationToken).ConfigureAwait(false);
        return existing is not null && IsOfRun(existing.Details.Metadata, runId) ? existing : null;
    }

    /// <summary>Whether blob metadata names <paramref name="runId"/>.</summary>
    public static bool IsOfRun(IDictionary<string, string>? metadata, string runId) =>
        metadata is not null && metadata.TryGetValue(RunKey, out string? value) && string.Equals(value, runId, StringComparison.Ordinal);

    /// <summary>A metadata value made safe for blob metadata (ASCII, no control characters, at most 1,000 characters).</summary>
    public static string MetadataText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = new string([.. text.Select(c => c is >= ' ' and <= '~' ? c : '?')]);
        return clean.Length > 1000 ? clean[..1000] : clean;
    }

    private static async Task<BlobDownloadResult?> DownloadIfExistsAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
