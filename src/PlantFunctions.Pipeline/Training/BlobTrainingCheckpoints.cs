using Azure;
using Azure.Storage.Blobs;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// A training job's checkpoint as one blob (<c>training/_jobs/{jobId}/checkpoint.bin</c>). Saving replaces it in one
/// upload (atomic for readers); a trainer that lost its claim on the job stops saving, so it cannot overwrite the
/// checkpoint of the trainer that took over. Synchronous, as the trainer's thread calls it.
/// </summary>
internal sealed class BlobTrainingCheckpoints(BlobClient blob, Func<bool> stillOwner) : ITrainingCheckpoints
{
    /// <summary>Whether <see cref="Load"/> found a checkpoint (the run resumed).</summary>
    public bool Resumed { get; private set; }

    public byte[]? Load()
    {
        try
        {
            var content = blob.DownloadContent().Value.Content.ToArray();
            Resumed = true;
            return content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public void Save(byte[] checkpoint)
    {
        if (!stillOwner())
        {
            throw new OperationCanceledException("this trainer no longer holds the training job; not saving its checkpoint");
        }

        blob.Upload(new BinaryData(checkpoint), overwrite: true);
    }
}
