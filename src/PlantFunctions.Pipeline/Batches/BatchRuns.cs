using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The runs of one batch id, in the order they were started. A purged batch id can be started again while activities
/// of its earlier run are still queued or in flight (the engine runs each at least once, and terminate does not stop
/// them), so each run's id carries a sequence number taken from a per-batch counter when it is started
/// (<see cref="ReserveAsync"/>), the run's <c>PlanBatch</c> makes it the owner of the batch id's results
/// (<see cref="ClaimAsync"/>), and a run that a later run has taken over writes nothing more: every result write is
/// checked against the owner before and after it (<see cref="ShardFiles"/>), and a blob of a later run is never
/// replaced (<see cref="Storage.RunScopedBlobs"/>). Run ids of earlier versions (no sequence) count as sequence 0.
/// </summary>
public static class BatchRuns
{
    /// <summary>Attempts at a conditional update before giving up (only concurrent writers make one fail).</summary>
    private const int Attempts = 20;

    /// <summary>The sequence number in a run id (<c>00000003-1a2b3c4d</c> is 3); 0 for an id without one.</summary>
    public static long Sequence(string? runId)
    {
        int dash = runId?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        return dash > 0 && long.TryParse(runId.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence) ? sequence : 0;
    }

    /// <summary>Whether <paramref name="runId"/> was started after <paramref name="otherRunId"/> (false for two ids without sequence).</summary>
    public static bool IsLater(string runId, string otherRunId) => Sequence(runId) > Sequence(otherRunId);

    /// <summary>A run id with <paramref name="sequence"/> and a random part.</summary>
    public static string NewRunId(long sequence) => $"{sequence.ToString("D8", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}"[..17];

    /// <summary>
    /// Takes the next sequence number of <paramref name="batchId"/> (If-Match on the counter blob) and returns a run id
    /// with it. Every call gets a number of its own, also a start that then loses the race for the instance id; the
    /// numbers only order runs, so gaps do no harm.
    /// </summary>
    public static async Task<string> ReserveAsync(BlobContainerClient results, string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var counter = results.GetBlobClient(BatchPaths.RunCounter(batchId));
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await DownloadIfExistsAsync(counter, cancellationToken).ConfigureAwait(false);
            long next = (current is null ? 0 : long.Parse(current.Content.ToString(), NumberStyles.None, CultureInfo.InvariantCulture)) + 1;
            if (await TryUploadAsync(counter, next.ToString(CultureInfo.InvariantCulture), current?.Details.ETag, null, cancellationToken).ConfigureAwait(false))
            {
                return NewRunId(next);
            }
        }

        throw new InvalidOperationException($"could not take a run number for batch '{batchId}': its counter kept changing");
    }

    /// <summary>
    /// Makes <paramref name="runId"/> the owner of the batch id's results, unless a later run owns them. Returns null when
    /// this run owns them, otherwise the later run's id (this run is superseded and must write nothing).
    /// </summary>
    public static async Task<string?> ClaimAsync(BlobContainerClient results, string batchId, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var owner = results.GetBlobClient(BatchPaths.Owner(batchId));
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await DownloadIfExistsAsync(owner, cancellationToken).ConfigureAwait(false);
            string? holder = current?.Content.ToString();
            if (string.Equals(holder, runId, StringComparison.Ordinal))
            {
                return null;
            }

            if (holder is not null && IsLater(holder, runId))
            {
                return holder;
            }

            if (await TryUploadAsync(owner, runId, current?.Details.ETag, runId, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        throw new InvalidOperationException($"could not claim batch '{batchId}' for run '{runId}': its owner kept changing");
    }

    /// <summary>The later run that owns the batch id's results, or null when <paramref name="runId"/> may still write.</summary>
    public static async Task<string?> SupersededByAsync(BlobContainerClient results, string batchId, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(results);
        var current = await DownloadIfExistsAsync(results.GetBlobClient(BatchPaths.Owner(batchId)), cancellationToken).ConfigureAwait(false);
        string? holder = current?.Content.ToString();
        return holder is not null && IsLater(holder, runId) ? holder : null;
    }

    /// <summary>
    /// Writes a blob of the batch's results folder once per run (<see cref="Storage.RunScopedBlobs.WriteOnceAsync"/>,
    /// which never replaces a later run's blob), then checks the owner: if a later run has taken the batch id over, what
    /// was just written is deleted again (If-Match). (A write that came before the later run's claim is deleted by that
    /// run's <c>PlanBatch</c>, which lists the folder after claiming; so one of the two always removes it.)
    /// </summary>
    public static async Task<Storage.RunWrite> WriteCheckedAsync(BlobContainerClient results, string batchId, string runId, BlobClient blob, BinaryData content,
        string contentType, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var write = await Storage.RunScopedBlobs.WriteOnceAsync(blob, content, contentType, runId, metadata, cancellationToken).ConfigureAwait(false);
        if (write.Written is not { } etag || await SupersededByAsync(results, batchId, runId, cancellationToken).ConfigureAwait(false) is not { } after)
        {
            return write;
        }

        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = etag }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Already deleted by the later run, or replaced by it.
        }

        return new Storage.RunWrite(null, null, after);
    }

    /// <summary>Whether a blob of the batch's results folder is one of the run's bookkeeping blobs that belong to no run.</summary>
    public static bool IsBookkeeping(string batchId, string blobName) =>
        blobName == BatchPaths.Owner(batchId) || blobName == BatchPaths.RunCounter(batchId);

    private static async Task<bool> TryUploadAsync(BlobClient blob, string content, ETag? etag, string? runId, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(BinaryData.FromString(content), new BlobUploadOptions
            {
                Conditions = etag is { } match ? new BlobRequestConditions { IfMatch = match } : new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain" },
                Metadata = runId is null ? null : new Dictionary<string, string> { [Storage.RunScopedBlobs.RunKey] = runId },
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
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
