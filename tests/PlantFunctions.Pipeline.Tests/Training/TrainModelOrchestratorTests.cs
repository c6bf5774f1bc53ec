using Microsoft.DurableTask;
using PlantFunctions.Model.Training;
using PlantFunctions.Pipeline.Training;

namespace PlantFunctions.Pipeline.Tests.Training;

/// <summary>Which failed training activities the orchestration tries again.</summary>
public sealed class TrainModelOrchestratorTests
{
    [Fact]
    public void Retryable_CheckpointStartedWithOtherSettings_IsNotRetried()
    {
        var mismatch = new TrainingSettingsMismatchException([new TrainingSettingDifference("seed", "42", "3")]);

        Assert.False(TrainModelOrchestrator.Retryable(TaskFailureDetails.FromException(mismatch)));
    }

    [Theory]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(InvalidOperationException))]
    public void Retryable_OtherFailures_AreRetried(Type exception)
    {
        var failure = TaskFailureDetails.FromException((Exception)Activator.CreateInstance(exception, "failed")!);

        Assert.True(TrainModelOrchestrator.Retryable(failure));
    }
}
