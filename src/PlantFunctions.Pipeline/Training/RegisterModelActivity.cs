using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Pipeline.Training;

/// <summary>The input of <see cref="RegisterModelActivity"/>.</summary>
/// <param name="Job">The job.</param>
/// <param name="Metrics">The classifier's validation metrics.</param>
public sealed record RegisterModelRequest(TrainModelInput Job, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// Registers the job's trained model file as version <see cref="TrainModelInput.ModelVersion"/> (the instance id), once:
/// a rerun finds the version its job registered and returns it.
/// </summary>
[DurableTask(TaskNames.RegisterModel)]
public sealed partial class RegisterModelActivity(PlantStorage storage, ModelRegistry registry, ILogger<RegisterModelActivity> logger)
    : TaskActivity<RegisterModelRequest, TrainingJobOutput>
{
    /// <inheritdoc />
    public override async Task<TrainingJobOutput> RunAsync(TaskActivityContext context, RegisterModelRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var job = input.Job;
        string name = job.Request.ModelName!;
        var file = (await storage.Training.GetBlobClient(TrainingJobPaths.ModelFile(job.JobId)).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
        var model = await registry.RegisterAsync(name, job.ModelVersion, file, input.Metrics, job.JobId, job.Request.Activate ?? false).ConfigureAwait(false);
        LogRegistered(logger, job.JobId, model.Name, model.Version, model.IsActive);
        return new TrainingJobOutput(model.Name, model.Version, $"{storage.ModelFiles.Name}/{model.Name}/{model.Version}/", model.IsActive, input.Metrics);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Training job {JobId} registered model {ModelName} version {ModelVersion} (active: {Active})")]
    private static partial void LogRegistered(ILogger logger, string jobId, string modelName, string modelVersion, bool active);
}
