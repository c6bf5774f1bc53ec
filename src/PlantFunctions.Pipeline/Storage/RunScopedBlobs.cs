using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Pipeline.Batches;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// Blobs written once per run: the first writer of a run wins (If-None-Match) and every later attempt of the same run
/// reads what it wrote, which is what at-least-once activities need. A blob of an earlier run of the batch id (one
/// that was purged and started again) is replaced, conditioned on its ETag; a blob of a later run is never touched
/// (see <see cref="BatchRuns"/>).
/// </summary>
public static class RunScopedBlobs
{
    /// <summary>Metadata key holding the run id.</summary>
    public const string RunKey = "plantrun";

    /// <summary>
    /// Writes <paramref name="content"/> unless the blob already holds this run's content or a later run's. Says which:
    /// written by this call (with its ETag), the run's first writer's blob, or superseded by a later run.
    /// </summary>
    public static async Task<RunWrite> WriteOnceAsync(BlobClient blob, BinaryData content, string contentType, string runId,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var tags = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { [RunKey] = runId };
        var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        for (int attempt = 0; attempt < 8; attempt++)
        {
            try
            {
                var info = await blob.UploadAsync(content, new BlobUploadOptions
                {
                    Conditions = conditions,
                    Metadata = tags,
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                }, cancellationToken).ConfigureAwait(false);
                return new RunWrite(info.Value.ETag, null, null);
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
                return new RunWrite(null, existing, null);
            }

            if (RunOf(existing.Details.Metadata) is { } other && BatchRuns.IsLater(other, runId))
            {
                return new RunWrite(null, null, other);
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
        string.Equals(RunOf(metadata), runId, StringComparison.Ordinal);

    /// <summary>The run id blob metadata names, or null.</summary>
    public static string? RunOf(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(RunKey, out string? value) ? value : null;

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

/// <summary>How a <see cref="RunScopedBlobs.WriteOnceAsync"/> ended.</summary>
/// <param name="Written">This call wrote the blob: its ETag.</param>
/// <param name="Existing">The run's first writer had written it: the blob as it is.</param>
/// <param name="SupersededBy">A later run of the batch id owns the blob: its run id; nothing was written.</param>
public sealed record RunWrite(ETag? Written, BlobDownloadResult? Existing, string? SupersededBy);
