using Microsoft.DurableTask;
using PlantFunctions.Contracts.Training;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// Trains a model: the stages in order (language model, priors, ranker, classifier), each as <c>TrainStage</c>
/// activities that resume from the job's blob checkpoint and return at an epoch end after a slice of time, so a
/// retried, redelivered or restarted activity continues where the last checkpoint left off and the custom status shows
/// stage, epoch, loss, validation metrics and time left as the job goes. Then <c>RegisterModel</c> registers exactly
/// one model version, the one the job chose at start. Deterministic: no I/O, no clock.
/// </summary>
/// <remarks>
/// Jobs run across deployments: a job started by an older build is replayed by the newer one from its history, so the
/// sequence of activity calls for an input of a given <see cref="TrainModelInput.Version"/> must never change. Versions
/// 1 and 2 call the same activities in the same order (version 2 only adds a run id that the activities use); a
/// change to the calls is a new input version, with the old sequence kept for older inputs.
/// </remarks>
[DurableTask(TaskNames.TrainModel)]
public sealed class TrainModelOrchestrator : TaskOrchestrator<TrainModelInput, TrainingJobOutput>
{
    /// <summary>The stages, in order.</summary>
    public static readonly IReadOnlyList<string> Stages = ["LanguageModel", "Priors", "Ranker", "Classifier"];

    /// <summary>
    /// Whether a failed activity is worth another attempt: not when the job's checkpoint was started with other
    /// settings (a worker of another version), which fails the same way every time. By the failure's type name, which
    /// is what the engine keeps of an exception.
    /// </summary>
    public static bool Retryable(TaskFailureDetails failure) =>
        failure?.ErrorType != typeof(PlantFunctions.Model.Training.TrainingSettingsMismatchException).FullName;

    /// <inheritdoc />
    public override async Task<TrainingJobOutput> RunAsync(TaskOrchestrationContext context, TrainModelInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var delay = input.RetryDelay > TimeSpan.Zero ? input.RetryDelay : TimeSpan.FromSeconds(30);
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(input.Attempts, delay, 2.0) { HandleFailure = Retryable });
        int slices = 0;
        bool resumed = false;
        IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
        foreach (string stage in Stages)
        {
            context.SetCustomStatus(new TrainingProgressStatus(stage, 0, 0, null, null, null, slices, resumed));
            TrainStageResult step;
            do
            {
                step = await context.CallActivityAsync<TrainStageResult>(TaskNames.TrainStage, new TrainStageRequest(input, stage), retry);
                slices++;
                resumed |= step.Resumed;
                context.SetCustomStatus(new TrainingProgressStatus(step.Stage, step.Epoch, step.Epochs, step.Loss, step.Metrics, step.EtaSeconds, slices, resumed));
            }
            while (!step.Done);
            metrics = step.Metrics ?? metrics;
        }

        context.SetCustomStatus(new TrainingProgressStatus("Registering", 0, 0, null, metrics, 0, slices, resumed));
        return await context.CallActivityAsync<TrainingJobOutput>(TaskNames.RegisterModel, new RegisterModelRequest(input, metrics), retry);
    }
}
