using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Azure;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline.Coding;
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
    ModelRegistry registry,
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
        var input = new TrainModelInput(jobId, accepted, settings.SliceDuration, settings.MaxAttempts, settings.RetryDelay)
        {
            Version = TrainModelInput.CurrentVersion,
            RunId = Guid.NewGuid().ToString("N")[..16],
            ModelVersion = await ChooseModelVersionAsync(accepted.ModelName!, jobId, cancellationToken).ConfigureAwait(false),
        };
        await storage.Training.GetBlobClient(TrainingJobPaths.RunMarker(input))
            .UploadAsync(new BinaryData(PlantJson.ToUtf8Bytes(input, indented: true)), overwrite: true, cancellationToken).ConfigureAwait(false);
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
        await MarkStoppedAsync(JobOf(metadata), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Purges a finished job: its checkpoint and files (the registered model stays), then its history, so a purge that
    /// fails part way can be asked again. A terminated job whose training activity has not stopped yet (it holds the
    /// checkpoint until it sees the stop marker, within <c>Plant:Training:LeaseDuration</c>) is refused: purge it then.
    /// </summary>
    /// <exception cref="PlantRequestException">Unknown id (404), still running or still stopping (409).</exception>
    public async Task<int> PurgeAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var metadata = await GetJobAsync(client, jobId, cancellationToken).ConfigureAwait(false);
        if (!metadata.IsCompleted)
        {
            throw new PlantRequestException(PlantRequestError.Conflict, $"training job '{jobId}' is {metadata.RuntimeStatus}: terminate it before purging");
        }

        var stopping = new PlantRequestException(PlantRequestError.Conflict,
            $"training job '{jobId}' is {metadata.RuntimeStatus} but its training activity has not stopped yet (it stops within {options.Value.LeaseDuration.TotalSeconds:N0} s): purge it after that");
        try
        {
            var checkpoint = await storage.Training.GetBlobClient(TrainingJobPaths.Checkpoint(JobOf(metadata))).GetPropertiesAsync(cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (checkpoint.Value.LeaseState == LeaseState.Leased)
            {
                throw stopping;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No checkpoint: nothing trains.
        }

        await foreach (var blob in storage.Training.GetBlobsAsync(BlobTraits.None, BlobStates.None, TrainingJobPaths.Folder(jobId), cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await storage.Training.DeleteBlobIfExistsAsync(blob.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                throw stopping;   // leased: a training activity took the checkpoint after the check above
            }
        }

        return (await client.PurgeInstanceAsync(jobId, cancellation: cancellationToken).ConfigureAwait(false)).PurgedInstanceCount;
    }

    /// <summary>Marks every terminated job stopped (jobs terminated through the engine's own URL); returns how many it marked.</summary>
    public async Task<int> StopTerminatedAsync(DurableTaskClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        int marked = 0;
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Terminated] };
        await foreach (var metadata in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (metadata.Name == TaskNames.TrainModel
                && await client.GetInstanceAsync(metadata.InstanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false) is { } withInput
                && await MarkStoppedAsync(JobOf(withInput), cancellationToken).ConfigureAwait(false))
            {
                marked++;
            }
        }

        return marked;
    }

    private async Task<bool> MarkStoppedAsync(TrainModelInput job, CancellationToken cancellationToken) =>
        await storage.Training.GetBlobClient(TrainingJobPaths.StopMarker(job)).UploadIfAbsentAsync(BinaryData.FromString("terminated"), "text/plain", cancellationToken)
            .ConfigureAwait(false);

    /// <summary>The input a job was started with (its run's files); a job whose input cannot be read is taken for one of version 1.</summary>
    private static TrainModelInput JobOf(OrchestrationMetadata metadata)
    {
        try
        {
            if (metadata.ReadInputAs<TrainModelInput>() is { JobId: not null } input)
            {
                return input;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // An input this build cannot read: the files of a version 1 job are where it looks then.
        }

        return new TrainModelInput(metadata.InstanceId, new TrainingJobRequest(null), TimeSpan.Zero, 0, TimeSpan.Zero);
    }

    /// <summary>The job id, unless an earlier run of the (purged) id registered it; then <c>{jobId}.{n}</c> for the first n from 2 that is free.</summary>
    private async Task<string> ChooseModelVersionAsync(string modelName, string jobId, CancellationToken cancellationToken)
    {
        for (int n = 1; n < 1000; n++)
        {
            string version = n == 1 ? jobId : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{jobId}.{n}");
            if (!NameRules.IsValidId(version, "model version", out _))
            {
                break;
            }

            if (!await registry.IsTakenAsync(modelName, version, cancellationToken).ConfigureAwait(false))
            {
                return version;
            }
        }

        throw new PlantRequestException(PlantRequestError.Conflict, $"model '{modelName}' already has a version '{jobId}' (and its numbered successors): use another job id");
    }

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
        var metadata = NameRules.IsValidId(jobId, "training job id", out _)
            ? await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false)
            : null;
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
