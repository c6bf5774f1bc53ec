using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Pipeline;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Functions.Tasks;

/// <summary>The training orchestration and activities as functions of the same names.</summary>
public static class TrainingTaskFunctions
{
    /// <summary>Orchestration: see <see cref="TrainModelOrchestrator"/>.</summary>
    [Function(TaskNames.TrainModel)]
    public static Task<TrainingJobOutput> TrainModel([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new TrainModelOrchestrator().RunAsync(context, context.GetInput<TrainModelInput>()!);

    /// <summary>Activity: see <see cref="TrainStageActivity"/>.</summary>
    [Function(TaskNames.TrainStage)]
    public static Task<TrainStageResult> TrainStage([ActivityTrigger] TrainStageRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<TrainStageActivity, TrainStageRequest, TrainStageResult>(function, TaskNames.TrainStage, input);

    /// <summary>Activity: see <see cref="RegisterModelActivity"/>.</summary>
    [Function(TaskNames.RegisterModel)]
    public static Task<TrainingJobOutput> RegisterModel([ActivityTrigger] RegisterModelRequest input, FunctionContext function) =>
        FunctionActivityContext.RunAsync<RegisterModelActivity, RegisterModelRequest, TrainingJobOutput>(function, TaskNames.RegisterModel, input);
}
