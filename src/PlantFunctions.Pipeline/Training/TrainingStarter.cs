using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Instances;
using PlantFunctions.Pipeline.Requests;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// What the training-job routes and the sweep call, through the host's <see cref="DurableTaskClient"/>: start (validate,
/// schedule <c>TrainModel</c> with instance id = job id, idempotent), read, terminate (the running activity sees the
/// stop marker and stops), purge.
/// </summary>
public sealed partial class TrainingStarter(
    PlantStorage storage,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<TrainingJobOptions> options,
    ILogger<TrainingStarter> logger)
{
    /// <summary>The presets the model layer knows.</summary>
    public static readonly IReadOnlyList<string> Presets = PlantFunctions.Model.Networks.NetworkConfig.PresetNames;

    /// <summary>Validates and starts a job; the same id again returns it without a second run.</summary>
    /// <exception cref="PlantRequestException">Invalid request (400) or an id used by something else (409).</exception>
    public async Task<string> StartAsync(DurableTaskClient client, TrainingJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var accepted = Validate(request);
        string jobId = accepted.JobId!;
        if (await ExistsAsync(client, jobId, cancellationToken).ConfigureAwait(false))
        {
            return jobId;
        }

        var settings = options.Value;
        var input = new TrainModelInput(jobId, accepted, settings.SliceDuration, settings.MaxAttempts, settings.RetryDelay);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.TrainModel, input, new StartOrchestrationOptions(jobId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!await ExistsAsync(client, jobId, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
        }

        LogStarted(logger, jobId, accepted.ModelName!);
        return jobId;
    }

    /// <summary>The status of a job, or null for an unknown id (or an id that is not a training job); an invalid id is refused (400).</summary>
    public static async Task<InstanceStatus?> GetAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!NameRules.IsValidId(jobId, "training job id", out string? reason))
        {
            throw new PlantRequestException(PlantRequestError.Invalid, reason!);
        }

        var metadata = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return metadata is { Name: TaskNames.TrainModel } ? InstanceStatuses.From(metadata) : null;
    }

    /// <summary>Terminates a running job and marks it stopped, so a training activity still running stops at its next lease renewal.</summary>
    /// <exception cref="PlantRequestException">Unknown id (404) or already finished (410).</exception>
    public async Task TerminateAsync(DurableTaskClient client, string jobId, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await GetJobAsync(client, jobId, cancellationToken).ConfigureAwait(false);
        if (metadata.IsCompleted)
        {
            throw new PlantRequestException(PlantRequestError.Gone, $"training job '{jobId}' already finished ({metadata.RuntimeStatus})");
        }

        await client.TerminateInstanceAsync(jobId, string.IsNullOrWhiteSpace(reason) ? "terminated on request" : $"terminated: {reason}", cancellationToken).ConfigureAwait(false);
        await MarkStoppedAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Purges a finished job: its history and its checkpoint and files (the registered model stays).</summary>
    /// <exception cref="PlantRequestException">Unknown id (404) or still running (409).</exception>
    public async Task<int> PurgeAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await GetJobAsync(client, jobId, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsCompleted)
        {
            throw new PlantRequestException(PlantRequestError.Conflict, $"training job '{jobId}' is {metadata.RuntimeStatus}: terminate it before purging");
        }

        int purged = (await client.PurgeInstanceAsync(jobId, cancellation: cancellationToken).ConfigureAwait(false)).PurgedInstanceCount;
        await foreach (var blob in storage.Training.GetBlobsAsync(BlobTraits.None, BlobStates.None, TrainingJobPaths.Folder(jobId), cancellationToken).ConfigureAwait(false))
        {
            await storage.Training.DeleteBlobIfExistsAsync(blob.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return purged;
    }

    /// <summary>Marks every terminated job stopped (jobs terminated through the engine's own URL); returns how many it marked.</summary>
    public async Task<int> StopTerminatedAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        int marked = 0;
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Terminated] };
        await foreach (var metadata in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (metadata.Name == TaskNames.TrainModel && await MarkStoppedAsync(metadata.InstanceId, cancellationToken).ConfigureAwait(false))
            {
                marked++;
            }
        }

        return marked;
    }

    private async Task<bool> MarkStoppedAsync(string jobId, CancellationToken cancellationToken) =>
        await storage.Training.GetBlobClient(TrainingJobPaths.StopMarker(jobId)).UploadIfAbsentAsync(BinaryData.FromString("terminated"), "text/plain", cancellationToken)
            .ConfigureAwait(false);

    private static async Task<bool> ExistsAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(jobId, cancellationToken).ConfigureAwait(false);
        return existing switch
        {
            null => false,
            { Name: TaskNames.TrainModel } => true,
            _ => throw new PlantRequestException(PlantRequestError.Conflict, $"'{jobId}' is already the id of a {existing.Name} instance"),
        };
    }

    private static async Task<OrchestrationMetadata> GetJobAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken)
    {
        var metadata = NameRules.IsValidId(jobId, "training job id", out _) ? await client.GetInstanceAsync(jobId, cancellationToken).ConfigureAwait(false) : null;
        return metadata is { Name: TaskNames.TrainModel } ? metadata : throw new PlantRequestException(PlantRequestError.NotFound, $"no training job '{jobId}'");
    }

    private TrainingJobRequest Validate(TrainingJobRequest request)
    {
        static void Check(bool ok, string? reason)
        {
            if (!ok)
            {
                throw new PlantRequestException(PlantRequestError.Invalid, reason!);
            }
        }

        ArgumentNullException.ThrowIfNull(request);
        string? reason;
        Check(NameRules.TryNormalizePrefix(request.TrainingData, out string training, out reason), "trainingData: " + reason);
        string? validation = null, unlabelled = null;
        if (request.ValidationData is not null)
        {
            Check(NameRules.TryNormalizePrefix(request.ValidationData, out validation, out reason), "validationData: " + reason);
        }

        if (request.UnlabelledData is not null)
        {
            Check(NameRules.TryNormalizePrefix(request.UnlabelledData, out unlabelled, out reason), "unlabelledData: " + reason);
        }

        if (request.LabelSet is not null)
        {
            Check(NameRules.TryNormalizePrefix(request.LabelSet, out _, out reason), "labelSet: " + reason);
        }

        string preset = request.Preset ?? "cpu";
        Check(Presets.Contains(preset), $"preset '{preset}' is not one of {string.Join(", ", Presets)}");
        var epochs = request.Epochs;
        Check(epochs is null || (epochs.LanguageModel is null or >= 0 and <= 1000 && epochs.Ranker is null or >= 0 and <= 1000 && epochs.Classifier is null or >= 0 and <= 1000),
            "epochs must be between 0 and 1000");
        reason = TrainingRequestOptions.Problem(request);
        Check(reason is null, reason);
        string modelName = request.ModelName ?? plant.Value.ModelName;
        Check(NameRules.IsValidModelName(modelName, out reason), reason);
        string jobId = request.JobId ?? $"train-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..30];
        Check(NameRules.IsValidId(jobId, "training job id", out reason), reason);
        return request with
        {
            TrainingData = training,
            ValidationData = validation,
            UnlabelledData = unlabelled,
            Preset = preset,
            ModelName = modelName,
            JobId = jobId,
        };
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Started training job {JobId} for model {ModelName}")]
    private static partial void LogStarted(ILogger logger, string jobId, string modelName);
}
