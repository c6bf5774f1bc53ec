using System.Text.Json;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// The trainer role: claims a Pending job, or a Running one whose trainer stopped renewing its claim, with an ETag
/// update; runs the model trainer on a dedicated thread, checkpointing to blob storage; renews the claim while writing
/// the latest progress; registers the model version when done. A job claimed more than <c>MaxAttempts</c> times fails.
/// </summary>
internal sealed partial class TrainingWorker(
    TaskHub hub,
    IServiceProvider services,
    TrainingDataLoader data,
    ModelRegistry registry,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<TrainerOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    private readonly string trainerId = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!plant.Value.ParsedRoles.HasFlag(PlantRoles.Trainer))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (job, unfinished) = await ClaimAsync(stoppingToken).ConfigureAwait(false);
                if (job is null && !unfinished && options.Value.ExitWhenIdle)
                {
                    // Clear the start signals, then look once more: a job submitted meanwhile is either found now or
                    // has its signal sent after the clearing, which starts the next trainer.
                    await hub.TrainingSignals.ClearMessagesAsync(stoppingToken).ConfigureAwait(false);
                    (job, unfinished) = await ClaimAsync(stoppingToken).ConfigureAwait(false);
                    if (job is null && !unfinished)
                    {
                        LogIdleExit(logger);
                        lifetime.StopApplication();
                        return;
                    }
                }

                if (job is null)
                {
                    await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await RunAsync(job, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopError(logger, ex);
                try
                {
                    await Task.Delay(options.Value.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<(TrainingJobEntity? Job, bool Unfinished)> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        bool unfinished = false;
        string filter = $"RowKey eq '{TrainingJobService.RowKey}' and (Status eq 'Pending' or Status eq 'Running')";
        await foreach (var job in hub.TrainingJobs.QueryAsync<TrainingJobEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            unfinished = true;
            if (job.Status == nameof(RuntimeStatus.Running) && job.LeaseUntil > now)
            {
                continue;
            }

            job.Attempts++;
            job.LastUpdatedTime = now;
            if (job.Attempts > options.Value.MaxAttempts)
            {
                job.Status = nameof(RuntimeStatus.Failed);
                job.CompletedTime = now;
                job.Error = $"the trainer stopped {job.Attempts - 1} times without finishing (Plant:Training:MaxAttempts is {options.Value.MaxAttempts})";
                await TryReplaceAsync(job, cancellationToken).ConfigureAwait(false);
                continue;
            }

            job.Status = nameof(RuntimeStatus.Running);
            job.LeaseOwner = trainerId;
            job.LeaseUntil = now + options.Value.LeaseDuration;
            job.StartedTime ??= now;
            if (await TryReplaceAsync(job, cancellationToken).ConfigureAwait(false))
            {
                LogClaimed(logger, job.JobId, job.Attempts);
                return (job, true);
            }
        }

        return (null, unfinished);
    }

    private async Task RunAsync(TrainingJobEntity job, CancellationToken stopping)
    {
        var trainer = services.GetService<IModelTrainer>();
        if (trainer is null)
        {
            await FinishAsync(job, RuntimeStatus.Failed, null, PlantModelRegistration.MissingTrainerMessage, stopping).ConfigureAwait(false);
            return;
        }

        var request = JsonSerializer.Deserialize<TrainingJobRequest>(job.RequestJson, PlantJson.Options)!;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var progress = new LatestProgress();
        var checkpoints = new BlobTrainingCheckpoints(hub.Training.GetBlobClient(TrainingJobService.CheckpointBlob(job.JobId)), () => !cancel.IsCancellationRequested);
        bool terminated = false, lost = false;
        Task<TrainingResult> training;
        try
        {
            var trainingRequest = await data.LoadAsync(request, cancel.Token).ConfigureAwait(false);
            int threads = plant.Value.Threads;
            training = Task.Factory.StartNew(() =>
                {
                    TorchRuntime.UseThreads(threads);
                    return trainer.Train(trainingRequest, checkpoints, progress, cancel.Token);
                },
                cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FinishAsync(job, RuntimeStatus.Failed, null, $"{ex.GetType().Name}: {ex.Message}", stopping).ConfigureAwait(false);
            return;
        }

        var beat = TimeSpan.FromTicks(Math.Min(options.Value.LeaseDuration.Ticks / 3, TimeSpan.FromSeconds(2).Ticks));
        while (!training.IsCompleted)
        {
            await Task.WhenAny(training, Task.Delay(beat, time, CancellationToken.None)).ConfigureAwait(false);
            if (training.IsCompleted || cancel.IsCancellationRequested)
            {
                continue;
            }

            Apply(job, progress.Latest, checkpoints.Resumed);
            job.LeaseUntil = time.GetUtcNow() + options.Value.LeaseDuration;
            if (!await TryReplaceAsync(job, CancellationToken.None).ConfigureAwait(false))
            {
                var current = await TrainingJobService.GetEntityAsync(hub, job.JobId, CancellationToken.None).ConfigureAwait(false);
                terminated = current is null || current.Status == nameof(RuntimeStatus.Terminated);
                lost = !terminated && current!.LeaseOwner != trainerId;
                if (terminated || lost)
                {
                    await cancel.CancelAsync().ConfigureAwait(false);
                }
                else
                {
                    job.ETag = current!.ETag;
                }
            }
        }

        try
        {
            var result = await training.ConfigureAwait(false);
            Apply(job, progress.Latest, checkpoints.Resumed);
            var model = await registry.RegisterAsync(job.ModelName, result.Version, new BinaryData(result.ModelFile), result.Metrics, job.JobId,
                request.Activate ?? false, stopping).ConfigureAwait(false);
            var output = new TrainingJobOutput(model.Name, model.Version, $"{hub.ModelFiles.Name}/{model.Name}/{model.Version}/", model.IsActive, result.Metrics);
            job.Phase = nameof(TrainingPhase.Done);
            job.MetricsJson = JsonSerializer.Serialize(result.Metrics, PlantJson.Options);
            await FinishAsync(job, RuntimeStatus.Completed, output, null, stopping).ConfigureAwait(false);
            LogTrained(logger, job.JobId, model.Name, model.Version);
        }
        catch (OperationCanceledException) when (terminated || lost)
        {
            LogStopped(logger, job.JobId, terminated ? "terminated" : "claimed by another trainer");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: give the claim up now so another trainer resumes from the last checkpoint at once.
            job.LeaseUntil = time.GetUtcNow();
            await TryReplaceAsync(job, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, job.JobId);
            await FinishAsync(job, RuntimeStatus.Failed, null, $"{ex.GetType().Name}: {ex.Message}", stopping).ConfigureAwait(false);
        }
    }

    private static void Apply(TrainingJobEntity job, TrainingProgress? progress, bool resumed)
    {
        job.ResumedFromCheckpoint |= resumed;
        if (progress is null)
        {
            return;
        }

        job.Phase = progress.Phase.ToString();
        job.Epoch = progress.Epoch;
        job.Epochs = progress.Epochs;
        job.Step = progress.Step;
        job.Steps = progress.Steps;
        job.Loss = double.IsFinite(progress.Loss) ? progress.Loss : null;
        job.MetricsJson = progress.Metrics.Count == 0 ? job.MetricsJson : JsonSerializer.Serialize(progress.Metrics, PlantJson.Options);
        job.RemainingSeconds = progress.Remaining?.TotalSeconds;
    }

    private async Task FinishAsync(TrainingJobEntity job, RuntimeStatus status, TrainingJobOutput? output, string? error, CancellationToken cancellationToken)
    {
        while (true)
        {
            job.Status = status.ToString();
            job.CompletedTime = job.LastUpdatedTime = time.GetUtcNow();
            job.OutputJson = output is null ? null : JsonSerializer.Serialize(output, PlantJson.Options);
            job.Error = error is { Length: > 4000 } ? error[..4000] : error;
            job.LeaseOwner = null;
            job.LeaseUntil = null;
            if (await TryReplaceAsync(job, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            var current = await TrainingJobService.GetEntityAsync(hub, job.JobId, cancellationToken).ConfigureAwait(false);
            if (current is null || RuntimeStatusExtensions.ParseStatus(current.Status).IsTerminal())
            {
                return;
            }

            current.Phase = job.Phase;
            current.MetricsJson = job.MetricsJson;
            current.ResumedFromCheckpoint |= job.ResumedFromCheckpoint;
            job = current;
        }
    }

    private async Task<bool> TryReplaceAsync(TrainingJobEntity job, CancellationToken cancellationToken)
    {
        try
        {
            job.LastUpdatedTime = time.GetUtcNow();
            var response = await hub.TrainingJobs.UpdateEntityAsync(job, job.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
            job.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Claimed training job {JobId} (attempt {Attempt})")]
    private static partial void LogClaimed(ILogger logger, string jobId, int attempt);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Training job {JobId} registered model {ModelName} version {ModelVersion}")]
    private static partial void LogTrained(ILogger logger, string jobId, string modelName, string modelVersion);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Training job {JobId} stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, string jobId, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Training job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "No training job is waiting and Plant:Training:ExitWhenIdle is set: stopping")]
    private static partial void LogIdleExit(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Error in the training loop; continuing")]
    private static partial void LogLoopError(ILogger logger, Exception exception);
}
