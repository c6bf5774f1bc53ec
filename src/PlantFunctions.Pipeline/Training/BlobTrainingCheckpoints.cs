using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// A training job's checkpoint as one leased blob (<c>checkpoint.bin</c> in the run's folder): the activity that trains
/// the job holds a blob lease on it, renewed every third of the lease, and every save is conditioned on that lease, so
/// two activities never train one job at once (the engine runs activities at least once) and a trainer that lost its
/// lease cannot overwrite the checkpoint of the one that took over. A second delivery of the same work waits while
/// the lease is held (its holder is alive: it renews) and then resumes from the checkpoint; a trainer that died leaves
/// the lease to run out. A renewal that fails in any way is tried again until the lease would have run out; then the
/// trainer counts the lease as lost (<see cref="LeaseLost"/>) and stops at its next step without saving. An empty blob
/// means no checkpoint yet. <see cref="Load"/> and <see cref="Save"/> are synchronous: the trainer's thread calls them.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "lost is used by a trainer that may outlive the lease holder; it has no timer")]
internal sealed class BlobTrainingCheckpoints : ITrainingCheckpoints, IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private readonly BlobClient blob;
    private readonly BlobLeaseClient lease;
    private readonly TimeSpan leaseDuration;
    private readonly TimeProvider time;
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stopRenewing = new();
    private Task renewing = Task.CompletedTask;
    private DateTimeOffset expires;
    private int lostReason;   // 0 held, 1 lease lost, 2 stop requested

    private BlobTrainingCheckpoints(BlobClient blob, BlobLeaseClient lease, TimeSpan leaseDuration, TimeProvider time, DateTimeOffset expires)
    {
        this.blob = blob;
        this.lease = lease;
        this.leaseDuration = leaseDuration;
        this.time = time;
        this.expires = expires;
    }

    /// <summary>Cancelled when the lease is lost (another trainer may hold the job now) or a stop check said so.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Whether the lease was lost (not renewed in time, or taken over): the job goes on, in another activity.</summary>
    public bool LeaseLost => Volatile.Read(ref lostReason) == 1;

    /// <summary>Whether the stop check said stop (the job was terminated).</summary>
    public bool StopRequested => Volatile.Read(ref lostReason) == 2;

    /// <summary>Whether <see cref="Load"/> found a checkpoint (the run resumed).</summary>
    public bool Resumed { get; private set; }

    /// <summary>
    /// Takes the lease on the job's checkpoint. While another trainer holds it (it renews it: it is alive) this waits,
    /// however long; a lease whose holder died runs out within the lease duration. Storage failures are tried again
    /// (every second) for up to four lease durations. Renews the lease until disposed, and calls
    /// <paramref name="shouldStop"/> at each renewal (the job was terminated) to cancel <see cref="Lost"/>.
    /// </summary>
    public static async Task<BlobTrainingCheckpoints> AcquireAsync(BlobClient blob, TimeSpan leaseDuration, TimeProvider time, Func<Task<bool>> shouldStop,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(time);
        var lease = blob.GetBlobLeaseClient();
        var failingSince = (DateTimeOffset?)null;
        bool created = false;
        while (true)
        {
            var attempt = time.GetUtcNow();
            try
            {
                if (!created)
                {
                    await blob.UploadIfAbsentAsync(BinaryData.Empty, "application/octet-stream", cancellationToken).ConfigureAwait(false);
                    created = true;
                }

                await lease.AcquireAsync(leaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                failingSince = null;   // held by a live trainer: wait for it
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failingSince ??= attempt;
                if (time.GetUtcNow() - failingSince > leaseDuration * 4)
                {
                    throw;
                }
            }

            await Task.Delay(RetryPause, time, cancellationToken).ConfigureAwait(false);
        }

        var checkpoints = new BlobTrainingCheckpoints(blob, lease, leaseDuration, time, time.GetUtcNow() + leaseDuration);
        checkpoints.renewing = checkpoints.RenewAsync(shouldStop);
        return checkpoints;
    }

    /// <inheritdoc />
    public byte[]? Load()
    {
        var content = blob.DownloadContent(lost.Token).Value.Content;
        if (content.ToMemory().Length == 0)
        {
            return null;
        }

        Resumed = true;
        return content.ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException">The lease is lost, or lost while saving (the checkpoint is then the other trainer's).</exception>
    public void Save(byte[] checkpoint)
    {
        if (lost.IsCancellationRequested)
        {
            throw new OperationCanceledException("this trainer no longer holds the training job; not saving its checkpoint", lost.Token);
        }

        try
        {
            blob.Upload(new BinaryData(checkpoint), new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = lease.LeaseId } }, lost.Token);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            MarkLost(1);
            throw new OperationCanceledException("this trainer lost the training job's lease; its checkpoint was not saved", ex, lost.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && lost.IsCancellationRequested)
        {
            // The lease was lost while the save was being retried (the storage client then throws an aggregate of its tries).
            throw new OperationCanceledException("this trainer lost the training job's lease while saving; its checkpoint was not saved", ex, lost.Token);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopRenewing.CancelAsync().ConfigureAwait(false);
        try
        {
            await renewing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        if (!LeaseLost)
        {
            using var bounded = new CancellationTokenSource(leaseDuration);
            try
            {
                await lease.ReleaseAsync(cancellationToken: bounded.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or OperationCanceledException or IOException or HttpRequestException)
            {
                // Already lost or expired, or storage unreachable: the lease runs out by itself.
            }
        }

        stopRenewing.Dispose();   // not lost: a trainer still running may save after this and must meet the lease, not a disposed token
    }

    /// <summary>
    /// Renews every third of the lease. A failed renewal (any exception: the storage client throws aggregate and
    /// transport exceptions after its own retries) is tried again every second, each try bounded by the time the lease
    /// has left; when the lease has run out, or another trainer holds it, the lease is lost.
    /// </summary>
    private async Task RenewAsync(Func<Task<bool>> shouldStop)
    {
        var every = leaseDuration / 3;
        var margin = TimeSpan.FromSeconds(1);
        var wait = every;
        while (true)
        {
            await Task.Delay(wait, time, stopRenewing.Token).ConfigureAwait(false);
            var left = expires - time.GetUtcNow() - margin;
            if (left <= TimeSpan.Zero)
            {
                MarkLost(1);
                return;
            }

            var started = time.GetUtcNow();
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopRenewing.Token);
            bounded.CancelAfter(left);
            try
            {
                await lease.RenewAsync(cancellationToken: bounded.Token).ConfigureAwait(false);
                expires = started + leaseDuration;
                wait = every;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                MarkLost(1);   // another trainer holds it (ours ran out)
                return;
            }
            catch (Exception) when (!stopRenewing.IsCancellationRequested)
            {
                wait = RetryPause;   // storage unreachable or slow: again, until the lease would have run out
                continue;
            }

            try
            {
                if (await shouldStop().ConfigureAwait(false))
                {
                    MarkLost(2);
                    return;
                }
            }
            catch (Exception) when (!stopRenewing.IsCancellationRequested)
            {
                // The stop check could not be made: at the next renewal.
            }
        }
    }

    private void MarkLost(int reason)
    {
        Interlocked.CompareExchange(ref lostReason, reason, 0);
        lost.Cancel();
    }
}
