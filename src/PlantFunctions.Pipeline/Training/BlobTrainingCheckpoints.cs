using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// A training job's checkpoint as one leased blob (<c>training/_jobs/{jobId}/checkpoint.bin</c>): the activity that
/// trains the job holds a blob lease on it, renewed every third of the lease, and every save is conditioned on that
/// lease, so two activities never train one job at once (the engine runs activities at least once) and a trainer that
/// lost its lease cannot overwrite the checkpoint of the one that took over. A trainer that died leaves the lease to
/// run out. An empty blob means no checkpoint yet. <see cref="Load"/> and <see cref="Save"/> are synchronous: the
/// trainer's thread calls them.
/// </summary>
internal sealed class BlobTrainingCheckpoints : ITrainingCheckpoints, IAsyncDisposable
{
    private readonly BlobClient blob;
    private readonly BlobLeaseClient lease;
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stopRenewing = new();
    private Task renewing = Task.CompletedTask;

    private BlobTrainingCheckpoints(BlobClient blob, BlobLeaseClient lease)
    {
        this.blob = blob;
        this.lease = lease;
    }

    /// <summary>Cancelled when the lease could not be renewed (another trainer may hold the job now) or a stop check said so.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Whether <see cref="Load"/> found a checkpoint (the run resumed).</summary>
    public bool Resumed { get; private set; }

    /// <summary>
    /// Takes the lease on the job's checkpoint, waiting up to the lease duration and a little more for a trainer that
    /// died to let go; renews it until disposed, and calls <paramref name="shouldStop"/> at each renewal (the job was
    /// terminated) to cancel <see cref="Lost"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another trainer holds the job.</exception>
    public static async Task<BlobTrainingCheckpoints> AcquireAsync(BlobClient blob, TimeSpan leaseDuration, TimeProvider time, Func<Task<bool>> shouldStop,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        await blob.UploadIfAbsentAsync(BinaryData.Empty, "application/octet-stream", cancellationToken).ConfigureAwait(false);
        var lease = blob.GetBlobLeaseClient();
        var deadline = time.GetUtcNow() + leaseDuration + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                await lease.AcquireAsync(leaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && time.GetUtcNow() < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                throw new InvalidOperationException($"another trainer holds training job checkpoint '{blob.Name}' (its lease did not run out in {leaseDuration})", ex);
            }
        }

        var checkpoints = new BlobTrainingCheckpoints(blob, lease);
        checkpoints.renewing = checkpoints.RenewAsync(leaseDuration / 3, time, shouldStop);
        return checkpoints;
    }

    /// <inheritdoc />
    public byte[]? Load()
    {
        var content = blob.DownloadContent().Value.Content;
        if (content.ToMemory().Length == 0)
        {
            return null;
        }

        Resumed = true;
        return content.ToArray();
    }

    /// <inheritdoc />
    public void Save(byte[] checkpoint)
    {
        if (lost.IsCancellationRequested)
        {
            throw new OperationCanceledException("this trainer no longer holds the training job; not saving its checkpoint", lost.Token);
        }

        blob.Upload(new BinaryData(checkpoint), new BlobUploadOptions { Conditions = new BlobRequestConditions { LeaseId = lease.LeaseId } });
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

        try
        {
            await lease.ReleaseAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // Already lost or expired: nothing to give back.
        }

        lost.Dispose();
        stopRenewing.Dispose();
    }

    private async Task RenewAsync(TimeSpan every, TimeProvider time, Func<Task<bool>> shouldStop)
    {
        while (!stopRenewing.IsCancellationRequested)
        {
            await Task.Delay(every, time, stopRenewing.Token).ConfigureAwait(false);
            try
            {
                await lease.RenewAsync(cancellationToken: stopRenewing.Token).ConfigureAwait(false);
                if (await shouldStop().ConfigureAwait(false))
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (RequestFailedException)
            {
                await lost.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }
}
