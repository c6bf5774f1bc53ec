using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Contracts;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// A shard's delivery record (<see cref="BatchPaths.Deliveries"/>): the engine counts a failed attempt but not a worker
/// that died (its shard simply comes back after the visibility timeout), so a note that kills its process (a native
/// abort in libtorch, say) would come back, and kill a worker, forever. Each delivery marks the record open when it
/// starts, and clears it when it fails with an exception; a delivery that finds it still open knows the one before
/// died. After a death the shard is coded note by note, each note marked in flight first, so the next death names its
/// note, which is then left out with an error record. Deaths outside any note (loading the model, say) are counted,
/// and after <see cref="MaxUnattributedDeaths"/> the shard's notes get error records.
/// </summary>
internal sealed class ShardDeliveries(BlobClient blob, string runId)
{
    /// <summary>Deaths with no note in flight after which the shard is given up.</summary>
    public const int MaxUnattributedDeaths = 3;

    private ETag etag;

    /// <summary>The record as the current delivery left it.</summary>
    public DeliveryRecord Record { get; private set; } = DeliveryRecord.None;

    /// <summary>Starts a delivery: counts the death of the one before (if it died) and marks this one open.</summary>
    public async Task<DeliveryRecord> BeginAsync(CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            BlobDownloadResult? current = null;
            try
            {
                current = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }

            var before = current?.Content.ToObjectFromJson<DeliveryRecord>(PlantJson.Options) ?? DeliveryRecord.None;
            var next = before with { Deliveries = before.Deliveries + 1, Open = true, NoteInFlight = null };
            if (before.Open)
            {
                next = before.NoteInFlight is { } note
                    ? next with { Deaths = before.Deaths + 1, Poisoned = [.. before.Poisoned, note] }
                    : next with { Deaths = before.Deaths + 1, UnattributedDeaths = before.UnattributedDeaths + 1 };
            }

            if (await TryWriteAsync(next, current is null ? null : current.Details.ETag, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new InvalidOperationException($"could not update '{blob.Name}': it kept changing under concurrent deliveries");
    }

    /// <summary>Marks note <paramref name="index"/> (in the shard's input) in flight, before it is coded alone.</summary>
    public Task MarkInFlightAsync(int index, CancellationToken cancellationToken = default) =>
        WriteAsync(Record with { NoteInFlight = index }, cancellationToken);

    /// <summary>The delivery ends with an exception (an attempt the engine counts): not a death.</summary>
    public async Task EndFailedAsync()
    {
        try
        {
            await WriteAsync(Record with { Open = false, NoteInFlight = null }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // Best effort: at worst the next delivery codes note by note.
        }
    }

    private async Task WriteAsync(DeliveryRecord record, CancellationToken cancellationToken)
    {
        if (!await TryWriteAsync(record, etag, cancellationToken).ConfigureAwait(false))
        {
            // Another delivery of the shard runs at the same time (a duplicate): write over it; both code the shard and
            // the result is written once either way.
            await TryWriteAsync(record, ETag.All, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> TryWriteAsync(DeliveryRecord record, ETag? match, CancellationToken cancellationToken)
    {
        try
        {
            var conditions = match is null ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : match == ETag.All ? null
                : new BlobRequestConditions { IfMatch = match };
            var info = await blob.UploadAsync(new BinaryData(PlantJson.ToUtf8Bytes(record)), new BlobUploadOptions
            {
                Conditions = conditions,
                Metadata = new Dictionary<string, string> { [RunScopedBlobs.RunKey] = runId },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            }, cancellationToken).ConfigureAwait(false);
            etag = info.Value.ETag;
            Record = record;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }
}

/// <summary>What a shard's deliveries came to.</summary>
/// <param name="Deliveries">Deliveries started.</param>
/// <param name="Open">A delivery started and has neither written the result nor failed: it runs, or its worker died.</param>
/// <param name="Deaths">Deliveries whose worker died.</param>
/// <param name="UnattributedDeaths">Deaths while no single note was in flight.</param>
/// <param name="NoteInFlight">The note (index in the shard's input) being coded alone, or null.</param>
/// <param name="Poisoned">Notes (indexes) in flight when their worker died: left out with error records.</param>
internal sealed record DeliveryRecord(int Deliveries, bool Open, int Deaths, int UnattributedDeaths, int? NoteInFlight, int[] Poisoned)
{
    /// <summary>No delivery yet.</summary>
    public static DeliveryRecord None { get; } = new(0, false, 0, 0, null, []);
}
