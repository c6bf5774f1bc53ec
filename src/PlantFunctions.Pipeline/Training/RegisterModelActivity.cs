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
/// Registers the run's trained model file as version <see cref="TrainModelInput.ModelVersion"/> (chosen when the job
/// started), once and resumably: a rerun finds the file its run uploaded and returns the version; a version another run
/// registered is a conflict (see <see cref="ModelRegistry.RegisterTrainedAsync"/>).
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
        var file = (await storage.Training.GetBlobClient(TrainingJobPaths.ModelFile(job)).DownloadContentAsync().ConfigureAwait(false)).Value.Content;
        var model = await registry.RegisterTrainedAsync(name, job.ModelVersion, file, input.Metrics, job.JobId, job.RunId, job.Request.Activate ?? false).ConfigureAwait(false);
        LogRegistered(logger, job.JobId, model.Name, model.Version, model.IsActive);
        return new TrainingJobOutput(model.Name, model.Version, $"{storage.ModelFiles.Name}/{model.Name}/{model.Version}/", model.IsActive, input.Metrics);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Training job {JobId} registered model {ModelName} version {ModelVersion} (active: {Active})")]
    private static partial void LogRegistered(ILogger logger, string jobId, string modelName, string modelVersion, bool active);
}
