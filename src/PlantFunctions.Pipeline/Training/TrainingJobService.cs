using System.Text.Json;
using Azure;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Training;

/// <summary>Starts, reads, terminates and purges training jobs (what the HTTP API calls); trainers pick them up from the table.</summary>
public sealed class TrainingJobService(TaskHub hub, TimeProvider time, IOptions<PlantOptions> plant)
{
    internal const string RowKey = "job";

    /// <summary>The presets the model layer knows.</summary>
    public static readonly IReadOnlyList<string> Presets = ["tiny", "cpu", "paper"];

    /// <summary>Validates and records a job (Pending). The same id again returns the existing job.</summary>
    public async Task<TrainingJobView> StartAsync(TrainingJobRequest request, CancellationToken cancellationToken = default)
    {
        var accepted = Validate(request);
        var now = time.GetUtcNow();
        var job = new TrainingJobEntity
        {
            PartitionKey = accepted.JobId!,
            RequestJson = JsonSerializer.Serialize(accepted, PlantJson.Options),
            ModelName = accepted.ModelName!,
            CreatedTime = now,
            LastUpdatedTime = now,
        };
        try
        {
            await hub.TrainingJobs.AddEntityAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Same id: idempotent start.
        }

        var view = await GetAsync(accepted.JobId!, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("training job vanished");
        if (view.Status == RuntimeStatus.Pending)
        {
            // After the row, so a trainer woken by the signal finds the job; sent again by a retried start, so a signal lost
            // with a dropped request is not lost for good (extra signals only wake a trainer that finds nothing to do).
            await hub.TrainingSignals.SendMessageAsync(accepted.JobId!, CancellationToken.None).ConfigureAwait(false);
        }

        return view;
    }

    /// <summary>The job, or <c>null</c> for an unknown id.</summary>
    public async Task<TrainingJobView?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await GetEntityAsync(hub, jobId, cancellationToken).ConfigureAwait(false);
        return job is null ? null : ToView(job);
    }

    /// <summary>Stops a Pending or Running job (its trainer notices at the next progress write and stops).</summary>
    public async Task<TrainingJobView> TerminateAsync(string jobId, string? reason, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var job = await GetEntityAsync(hub, jobId, cancellationToken).ConfigureAwait(false)
                      ?? throw new PlantRequestException(PlantRequestError.NotFound, $"no training job '{jobId}'");
            if (RuntimeStatusExtensions.ParseStatus(job.Status).IsTerminal())
            {
                throw new PlantRequestException(PlantRequestError.Gone, $"training job '{jobId}' already finished ({job.Status})");
            }

            job.Status = nameof(RuntimeStatus.Terminated);
            job.CompletedTime = job.LastUpdatedTime = time.GetUtcNow();
            job.Error = string.IsNullOrWhiteSpace(reason) ? "terminated on request" : $"terminated: {reason}";
            try
            {
                await hub.TrainingJobs.UpdateEntityAsync(job, job.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
                return ToView(job);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // The trainer wrote progress in between: read again.
            }
        }
    }

    /// <summary>Deletes a finished job's row and checkpoint (the registered model stays).</summary>
    public async Task PurgeAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var job = await GetEntityAsync(hub, jobId, cancellationToken).ConfigureAwait(false)
                  ?? throw new PlantRequestException(PlantRequestError.NotFound, $"no training job '{jobId}'");
        if (!RuntimeStatusExtensions.ParseStatus(job.Status).IsTerminal())
        {
            throw new PlantRequestException(PlantRequestError.Conflict, $"training job '{jobId}' is {job.Status}: terminate it before purging");
        }

        await hub.Training.DeleteBlobIfExistsAsync(CheckpointBlob(jobId), cancellationToken: cancellationToken).ConfigureAwait(false);
        await hub.TrainingJobs.DeleteEntityAsync(jobId, RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    internal static string CheckpointBlob(string jobId) => $"_jobs/{jobId}/checkpoint.bin";

    internal static async Task<TrainingJobEntity?> GetEntityAsync(TaskHub hub, string jobId, CancellationToken cancellationToken)
    {
        if (!NameRules.IsValidId(jobId, "training job id", out _))
        {
            return null;
        }

        var response = await hub.TrainingJobs.GetEntityIfExistsAsync<TrainingJobEntity>(jobId, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    internal static TrainingJobView ToView(TrainingJobEntity job) => new()
    {
        Id = job.JobId,
        Status = RuntimeStatusExtensions.ParseStatus(job.Status),
        Request = JsonSerializer.Deserialize<TrainingJobRequest>(job.RequestJson, PlantJson.Options)!,
        ModelName = job.ModelName,
        CreatedTime = job.CreatedTime,
        LastUpdatedTime = job.LastUpdatedTime,
        Phase = job.Phase,
        Epoch = job.Epoch,
        Epochs = job.Epochs,
        Step = job.Step,
        Steps = job.Steps,
        Loss = job.Loss,
        Metrics = job.MetricsJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, double>>(job.MetricsJson, PlantJson.Options),
        RemainingSeconds = job.RemainingSeconds,
        Attempts = job.Attempts,
        ResumedFromCheckpoint = job.ResumedFromCheckpoint,
        Output = job.OutputJson is null ? null : JsonSerializer.Deserialize<TrainingJobOutput>(job.OutputJson, PlantJson.Options),
        Error = job.Error,
    };

    private TrainingJobRequest Validate(TrainingJobRequest request)
    {
        static void Check(bool ok, string? reason)
        {
            if (!ok)
            {
                throw new PlantRequestException(PlantRequestError.Invalid, reason!);
            }
        }

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
}
