using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Model.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class PlantTrainerStageTests(StagedTrainingFixture run) : IClassFixture<StagedTrainingFixture>
{
    [Fact]
    public void TrainStage_OneEpochPerCall_EqualsTheUninterruptedTrain()
    {
        TinyTraining.AssertSameWeights(run.Uninterrupted.ModelFile, run.Staged.ModelFile, "after training one epoch per call");

        Assert.Equal(run.Uninterrupted.Metrics["MAP"], run.Staged.Metrics["MAP"]);
        Assert.Equal(run.Uninterrupted.Metrics["bestEpoch"], run.Staged.Metrics["bestEpoch"]);
        Assert.Equal(ModelArtifact.ReadManifest(new MemoryStream(run.Uninterrupted.ModelFile)).Threshold,
            ModelArtifact.ReadManifest(new MemoryStream(run.Staged.ModelFile)).Threshold);
    }

    [Fact]
    public void TrainStage_YieldingAtEveryEpochEnd_StopsAfterEachCheckpointedEpochUntilTheStageIsDone()
    {
        var calls = run.Outcomes.Select(o => (o.Stage, o.Done, o.Last?.Phase, o.Last?.Epoch)).ToList();

        Assert.Equal(
        [
            (TrainingPhase.LanguageModel, false, TrainingPhase.LanguageModel, 1),
            (TrainingPhase.LanguageModel, true, TrainingPhase.LanguageModel, 2),
            (TrainingPhase.Priors, true, TrainingPhase.Priors, 0),
            (TrainingPhase.Ranker, true, TrainingPhase.Ranker, 2),
            (TrainingPhase.Classifier, false, TrainingPhase.Classifier, 1),
            (TrainingPhase.Classifier, true, TrainingPhase.Done, 0),
        ], calls);
        Assert.Equal([false, true, true, true, true, true], run.Outcomes.Select(o => o.Resumed));
        Assert.All(run.Outcomes.SkipLast(1), o => Assert.Null(o.Result));
        Assert.Contains("perplexity", run.Outcomes[0].Last!.Metrics.Keys);
        Assert.Contains("MAP", run.Outcomes[4].Last!.Metrics.Keys);
    }

    [Fact]
    public void TrainStage_ClassifierCalledAgainAfterDone_ReturnsTheSameResultWithoutTraining()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        checkpoints.Save(run.Checkpoints.Stored!);
        var reports = new List<TrainingProgress>();

        var again = new PlantTrainer().TrainStage(run.Request, TrainingPhase.Classifier, checkpoints, new TinyModelFixture.SyncProgress(reports.Add));

        Assert.True(again.Done);
        Assert.True(again.Resumed);
        Assert.NotNull(again.Result);
        Assert.Equal(run.Staged.ModelFile, again.Result.ModelFile);
        Assert.Equal(run.Staged.Version, again.Result.Version);
        Assert.Equal(run.Staged.Metrics.OrderBy(m => m.Key), again.Result.Metrics.OrderBy(m => m.Key));
        Assert.Equal(1, checkpoints.Saves);   // only the copy above: nothing trained, nothing saved
        Assert.DoesNotContain(reports, p => p.Phase is TrainingPhase.Preparing or TrainingPhase.Classifier);
        Assert.Equal(TrainingPhase.Done, again.Last?.Phase);
    }

    [Fact]
    public void TrainStage_VersionInTheRequest_IsTheManifestVersion()
    {
        var manifest = ModelArtifact.ReadManifest(new MemoryStream(run.Staged.ModelFile));
        var clockBased = ModelArtifact.ReadManifest(new MemoryStream(run.Uninterrupted.ModelFile));

        Assert.Equal(StagedTrainingFixture.Version, manifest.Version);
        Assert.Equal(StagedTrainingFixture.Version, run.Staged.Version);
        Assert.Matches(@"^\d{8}-\d{6}-\w{12}$", clockBased.Version);
        Assert.Equal(clockBased.Version, run.Uninterrupted.Version);
    }

    [Theory]
    [InlineData(0, TrainingPhase.Ranker, TrainingPhase.Priors)]
    [InlineData(0, TrainingPhase.Classifier, TrainingPhase.Priors)]
    [InlineData(1, TrainingPhase.Priors, TrainingPhase.LanguageModel)]
    [InlineData(1, TrainingPhase.Ranker, TrainingPhase.LanguageModel)]
    public void TrainStage_BeforeAnEarlierStageFinished_ThrowsNamingTheStageToRunFirst(int languageModelEpochs, TrainingPhase stage, TrainingPhase first)
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        var request = TinyTraining.Request(TinyTraining.Options with { LanguageModelEpochs = languageModelEpochs });

        var error = Assert.Throws<InvalidOperationException>(() =>
            new PlantTrainer().TrainStage(request, stage, checkpoints, new TinyModelFixture.SyncProgress(_ => { })));

        Assert.Contains($"the {first} stage must run", error.Message);
        Assert.Contains(stage.ToString(), error.Message);
        Assert.Equal(0, checkpoints.Saves);
    }

    [Fact]
    public void TrainStage_StageSwitchedOff_IsDoneAtOnceWithoutSaving()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        var request = TinyTraining.Request(TinyTraining.Options with { LanguageModelEpochs = 0, PlantedAttention = false });
        var trainer = new PlantTrainer();
        var quiet = new TinyModelFixture.SyncProgress(_ => { });

        var languageModel = trainer.TrainStage(request, TrainingPhase.LanguageModel, checkpoints, quiet);
        int savesBeforePriors = checkpoints.Saves;
        var priors = trainer.TrainStage(request, TrainingPhase.Priors, checkpoints, quiet);
        int savesAfterPriors = checkpoints.Saves;
        var ranker = trainer.TrainStage(request, TrainingPhase.Ranker, checkpoints, quiet);

        Assert.True(languageModel.Done);
        Assert.False(languageModel.Resumed);
        Assert.Equal(0, savesBeforePriors);
        Assert.True(priors.Done);
        Assert.Equal(1, savesAfterPriors);
        Assert.True(ranker.Done);
        Assert.True(ranker.Resumed);
        Assert.Equal(savesAfterPriors, checkpoints.Saves);
    }

    [Fact]
    public void Train_CheckpointStoreThatForgets_StillRunsEveryStage()
    {
        var request = TinyTraining.Request(TinyTraining.Options with { RankerEpochs = 1, ClassifierEpochs = 1 });

        var result = new PlantTrainer().Train(request, new ForgetfulCheckpoints(), new TinyModelFixture.SyncProgress(_ => { }));

        using var model = ModelArtifact.Read(new MemoryStream(result.ModelFile));
        Assert.Equal(1, model.Manifest.Training.ClassifierEpochs);
        Assert.InRange(result.Metrics["MAP"], 0.0, 1.0);
    }

    /// <summary>A store that keeps nothing (as the training benchmark's).</summary>
    private sealed class ForgetfulCheckpoints : ITrainingCheckpoints
    {
        public byte[]? Load() => null;

        public void Save(byte[] checkpoint)
        {
        }
    }
}
