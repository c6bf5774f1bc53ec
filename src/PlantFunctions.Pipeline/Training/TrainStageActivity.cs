using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// Works on one stage of a training job: takes the lease on the job's checkpoint, loads the training data, resumes the
/// stage from the checkpoint on a thread of its own, and returns at the first epoch end after the job's slice of time
/// (or when the stage is done), checkpointing after every epoch. When the classifier stage is done the model file is
/// written next to the checkpoint for <c>RegisterModel</c>. A terminated job's stop marker ends the slice early.
/// </summary>
[DurableTask(TaskNames.TrainStage)]
public sealed partial class TrainStageActivity(
    IServiceProvider services,
    PlantStorage storage,
    TrainingDataLoader data,
    TimeProvider time,
    IOptions<PlantOptions> plant,
    IOptions<TrainingJobOptions> options,
    ILogger<TrainStageActivity> logger) : TaskActivity<TrainStageRequest, TrainStageResult>
{
    /// <inheritdoc />
    public override async Task<TrainStageResult> RunAsync(TaskActivityContext context, TrainStageRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var job = input.Job;
        var stage = Enum.Parse<TrainingPhase>(input.Stage);
        var trainer = services.GetService<IModelTrainer>() ?? throw new InvalidOperationException(PlantModelRegistration.MissingTrainerMessage);
        using var span = PlantTelemetry.Source.StartActivity("TrainStage");
        span?.SetTag("plant.job", job.JobId);
        span?.SetTag("plant.stage", input.Stage);
        PlantTelemetry.TrainingSlice(input.Stage);

        if (job.RunId is not null && !(await storage.Training.GetBlobClient(TrainingJobPaths.RunMarker(job)).ExistsAsync().ConfigureAwait(false)).Value)
        {
            // A delivery of a run that was terminated and purged (its job id may run again): nothing to train for.
            throw new InvalidOperationException($"training job '{job.JobId}' run {job.RunId} was purged; not training it");
        }

        var stop = storage.Training.GetBlobClient(TrainingJobPaths.StopMarker(job));
        await using var checkpoints = await BlobTrainingCheckpoints.AcquireAsync(storage.Training.GetBlobClient(TrainingJobPaths.Checkpoint(job)),
            options.Value.LeaseDuration, time, async () => (await stop.ExistsAsync().ConfigureAwait(false)).Value, CancellationToken.None).ConfigureAwait(false);
        if ((await stop.ExistsAsync().ConfigureAwait(false)).Value)
        {
            throw new OperationCanceledException($"training job '{job.JobId}' was terminated");
        }

        var request = await data.LoadAsync(job, CancellationToken.None).ConfigureAwait(false);
        var progress = new LatestProgress();
        var clock = Stopwatch.StartNew();
        int threads = plant.Value.Threads;
        LogStage(logger, job.JobId, input.Stage, Environment.ProcessId);
        TrainingStageOutcome outcome;
        try
        {
            outcome = await Task.Factory.StartNew(() =>
                {
                    if (threads > 0)
                    {
                        TorchRuntime.UseThreads(threads);
                    }

                    return trainer.TrainStage(request, stage, checkpoints, progress, () => clock.Elapsed >= job.SliceDuration, checkpoints.Lost);
                },
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (checkpoints.LeaseLost)
        {
            // Another delivery of this work holds the job now, or storage kept the lease from being renewed: this slice
            // ends unfinished (not failed, no attempt used) and the next activity resumes from the last checkpoint.
            var latest = progress.Latest;
            LogLeaseLost(logger, job.JobId, input.Stage, latest?.Epoch ?? 0);
            return new TrainStageResult(input.Stage, false, latest?.Epoch ?? 0, latest?.Epochs ?? 0, Finite(latest?.Loss), Finite(latest?.Metrics), null, checkpoints.Resumed);
        }

        if (outcome.Result is { } result)
        {
            await storage.Training.GetBlobClient(TrainingJobPaths.ModelFile(job)).UploadAsync(new BinaryData(result.ModelFile), overwrite: true).ConfigureAwait(false);
        }

        var last = outcome.Last ?? progress.Latest;
        LogSlice(logger, job.JobId, input.Stage, outcome.Done, last?.Epoch ?? 0, clock.Elapsed.TotalSeconds);
        return new TrainStageResult(input.Stage, outcome.Done, last?.Epoch ?? 0, last?.Epochs ?? 0, Finite(last?.Loss),
            Finite(outcome.Result?.Metrics ?? last?.Metrics), outcome.Done ? 0 : last?.Remaining?.TotalSeconds, outcome.Resumed);
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>
    /// The metrics without NaN and infinite values, which JSON cannot carry (the result would fail to serialise and the
    /// slice with it): a metric with nothing to measure (e.g. the ranker's rare codes when no code is rare) is left out.
    /// </summary>
    private static Dictionary<string, double>? Finite(IReadOnlyDictionary<string, double>? metrics) =>
        metrics?.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value);

    /// <summary>Keeps the newest progress report of the training thread.</summary>
    private sealed class LatestProgress : IProgress<TrainingProgress>
    {
        private TrainingProgress? latest;

        public TrainingProgress? Latest => Volatile.Read(ref latest);

        public void Report(TrainingProgress value) => Volatile.Write(ref latest, value);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Training job {JobId}: stage {Stage} in process {ProcessId}")]
    private static partial void LogStage(ILogger logger, string jobId, string stage, int processId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Training job {JobId}: stage {Stage} slice ended at epoch {Epoch} without its lease (another delivery holds the job, or storage kept the lease from being renewed); the next slice resumes from the last checkpoint")]
    private static partial void LogLeaseLost(ILogger logger, string jobId, string stage, int epoch);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Training job {JobId}: stage {Stage} slice ended (done: {Done}, epoch {Epoch}) after {Seconds:F1} s")]
    private static partial void LogSlice(ILogger logger, string jobId, string stage, bool done, int epoch, double seconds);
}
