using PlantFunctions.Model.Training;
using PlantFunctions.Testing.Fakes;

namespace PlantFunctions.Model.Tests.Training;

/// <summary>The service tests' trainer double keeps the stage contract of <see cref="PlantTrainer.TrainStage"/>.</summary>
public sealed class FakeModelTrainerTests
{
    private static readonly FakeModelSettings Settings = new() { TrainSteps = 8, TrainStepDelay = TimeSpan.Zero };

    [Fact]
    public void TrainStage_OneStepPerCall_ResumesEveryCallAndReturnsTheModelOnceTheClassifierIsDone()
    {
        var trainer = new FakeModelTrainer(Settings);
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        var request = TinyTraining.Request() with { Version = "job-7" };
        var outcomes = new List<TrainingStageOutcome>();

        foreach (var stage in TrainingStages.All)
        {
            TrainingStageOutcome outcome;
            do
            {
                outcome = trainer.TrainStage(request, stage, checkpoints, new TinyModelFixture.SyncProgress(_ => { }), () => true);
                outcomes.Add(outcome);
            }
            while (!outcome.Done && outcomes.Count < 20);
        }

        var again = trainer.TrainStage(request, TrainingPhase.Classifier, checkpoints, new TinyModelFixture.SyncProgress(_ => { }));

        Assert.Equal([false, true, true, true, false, true], outcomes.Select(o => o.Done));
        Assert.Equal([1, 2, 4, 6, 7, 8], outcomes.Select(o => o.Last!.Step));
        Assert.Equal(8, checkpoints.Saves);
        var result = outcomes[^1].Result!;
        Assert.Equal("job-7", result.Version);
        Assert.Equal(7, result.Metrics["resumedAtStep"]);
        Assert.Equal(request.Train.Count, result.Metrics["trainNotes"]);
        Assert.True(again.Done);
        Assert.Equal(result.ModelFile, again.Result!.ModelFile);
        Assert.Equal(7, again.Result.Metrics["resumedAtStep"]);
        Assert.Equal(8, checkpoints.Saves);
    }

    [Fact]
    public void Train_FreshRun_RunsAllStepsAndNamesTheModelAfterSeedAndNotes()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        var request = TinyTraining.Request();

        var result = new FakeModelTrainer(Settings).Train(request, checkpoints, new TinyModelFixture.SyncProgress(_ => { }));

        Assert.Equal($"fake-{request.Options.Seed}-{request.Train.Count}", result.Version);
        Assert.Equal(8, checkpoints.Saves);
        Assert.Equal(6, result.Metrics["resumedAtStep"]);   // the classifier stage's call started at its first step
    }

    [Fact]
    public void TrainStage_RankerBeforePriors_ThrowsNamingThePriorsStage()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        var trainer = new FakeModelTrainer(Settings);
        trainer.TrainStage(TinyTraining.Request(), TrainingPhase.LanguageModel, checkpoints, new TinyModelFixture.SyncProgress(_ => { }));

        var error = Assert.Throws<InvalidOperationException>(() =>
            trainer.TrainStage(TinyTraining.Request(), TrainingPhase.Ranker, checkpoints, new TinyModelFixture.SyncProgress(_ => { })));

        Assert.Contains("the Priors stage must run", error.Message);
    }
}
