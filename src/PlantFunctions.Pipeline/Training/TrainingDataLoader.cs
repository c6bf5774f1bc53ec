using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline.Storage;
using ModelTrainingRequest = PlantFunctions.Model.Training.TrainingRequest;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// Turns a training-job request into the model layer's training request: notes read strictly from the training
/// container, the model version set to the job's. The last run's data is kept, since a job's activities come one after
/// another to the same workers (by run, not job id: a purged job id used again reads its data afresh).
/// </summary>
public sealed class TrainingDataLoader(PlantStorage hub)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (TrainModelInput Job, ModelTrainingRequest Request)? last;

    /// <summary>The training request of a run of a job.</summary>
    public async Task<ModelTrainingRequest> LoadAsync(TrainModelInput job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (last is { } cached && cached.Job.JobId == job.JobId && cached.Job.RunId == job.RunId && cached.Job.ModelVersion == job.ModelVersion)
            {
                return cached.Request;
            }

            var loaded = await ReadAsync(job.Request, cancellationToken).ConfigureAwait(false) with { Version = job.ModelVersion };
            last = (job, loaded);
            return loaded;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ModelTrainingRequest> ReadAsync(TrainingJobRequest request, CancellationToken cancellationToken)
    {
        var train = await ReadNotesAsync(hub.Training, request.TrainingData!, cancellationToken).ConfigureAwait(false);
        if (train.Count == 0)
        {
            throw new InvalidDataException($"no training notes under '{hub.Training.Name}/{request.TrainingData}'");
        }

        var validation = request.ValidationData is null ? null : await ReadNotesAsync(hub.Training, request.ValidationData, cancellationToken).ConfigureAwait(false);
        var unlabelled = request.UnlabelledData is null ? null : await ReadNotesAsync(hub.Training, request.UnlabelledData, cancellationToken).ConfigureAwait(false);
        var descriptions = request.LabelSet is null ? null : await ReadDescriptionsAsync(request.LabelSet, cancellationToken).ConfigureAwait(false);
        var options = TrainingRequestOptions.ToModel(request);
        return new ModelTrainingRequest(request.ModelName!, train, validation, unlabelled, descriptions, options);
    }

    private static async Task<List<ClinicalNote>> ReadNotesAsync(BlobContainerClient container, string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            if (NoteReader.FormatOf(blob.Name) is not null)
            {
                names.Add(blob.Name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        var options = new NoteReaderOptions { ErrorMode = NoteErrorMode.StopAtFirst };
        var results = new List<NoteReadResult>();
        foreach (string name in names)
        {
            var content = (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            using var stream = content.ToStream();
            results.AddRange(NoteReader.Read(stream, name, options));
        }

        return [.. NoteReader.Checked(results, options).Select(r => r.Note!)];
    }

    private async Task<IcdDescriptions> ReadDescriptionsAsync(string blobName, CancellationToken cancellationToken)
    {
        string name = blobName.TrimEnd('/');
        var content = await hub.Training.GetBlobClient(name).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false)
                      ?? throw new InvalidDataException($"label set '{hub.Training.Name}/{name}' not found");
        string file = Path.Combine(Path.GetTempPath(), $"plant-labels-{Guid.NewGuid():N}{Path.GetExtension(name)}");
        await File.WriteAllBytesAsync(file, content.ToArray(), cancellationToken).ConfigureAwait(false);
        try
        {
            return IcdDescriptions.Load(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
