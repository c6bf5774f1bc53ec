using PlantFunctions.Model.Training;

namespace PlantFunctions.Model.Tests.Training;

/// <summary>A checkpoint keeps the options its run was started with; a resume that asks for others is refused.</summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointSettingsTests
{
    private static readonly TrainingOptions Started = TinyTraining.Options with { LanguageModelEpochs = 0, PlantedAttention = false, ClassifierEpochs = 1 };
    private readonly PlantTrainer trainer = new();
    private readonly TinyModelFixture.SyncProgress quiet = new(_ => { });

    [Fact]
    public void TrainStage_ResumedWithOtherOptions_ThrowsNamingEachDifferenceWithoutSaving()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Priors, checkpoints, quiet);
        int saves = checkpoints.Saves;

        var error = Assert.Throws<TrainingSettingsMismatchException>(() => trainer.TrainStage(
            TinyTraining.Request(Started with { GradualUnfreezing = true, Seed = 10 }), TrainingPhase.Classifier, checkpoints, quiet));

        Assert.Equal(["gradualUnfreezing false there, true now", "seed 9 there, 10 now"], error.Differences.Select(d => d.ToString()).Order());
        Assert.Contains("gradualUnfreezing false there, true now", error.Message, StringComparison.Ordinal);
        Assert.Equal(saves, checkpoints.Saves);
    }

    [Fact]
    public void TrainStage_ResumedWithTheSameOptions_Continues()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Priors, checkpoints, quiet);

        var classifier = trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Classifier, checkpoints, quiet);

        Assert.True(classifier.Done);
        Assert.True(classifier.Resumed);
    }

    [Fact]
    public void TrainStage_ResumedWhereOnlyAPresetValueDiffers_ThrowsNamingThePlanSetting()
    {
        // What a preset default changed between builds looks like to the check: the options agree, the plan does not.
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Priors, checkpoints, quiet);
        int presetHidden = TrainingPlan.For(Started).Network.HiddenSize;

        var error = Assert.Throws<TrainingSettingsMismatchException>(() => trainer.TrainStage(
            TinyTraining.Request(Started with { HiddenSize = presetHidden + 8 }), TrainingPhase.Classifier, checkpoints, quiet));

        Assert.Equal([$"plan.network.hiddenSize {presetHidden} there, {presetHidden + 8} now"], error.Differences.Select(d => d.ToString()));
    }

    [Fact]
    public void TrainStage_ResumedNamingThePresetsOwnValues_Continues()
    {
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Priors, checkpoints, quiet);
        var plan = TrainingPlan.For(Started);
        var spelledOut = Started with
        {
            Preset = "TINY", ClassifierLearningRate = plan.Classifier.LearningRate, HiddenSize = plan.Network.HiddenSize, GradientWindow = plan.Network.GradientWindow,
        };

        var classifier = trainer.TrainStage(TinyTraining.Request(spelledOut), TrainingPhase.Classifier, checkpoints, quiet);

        Assert.True(classifier.Done);
    }

    [Fact]
    public void TrainStage_CheckpointWithoutOptions_ResumesAndKeepsTheOptionsItResumedWith()
    {
        // A checkpoint as older builds wrote them (and as --lm-from seeds a run): its parts, but no options.
        var checkpoints = new TinyTraining.MemoryCheckpoints();
        trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Priors, checkpoints, quiet);
        var stored = TrainingCheckpoint.FromBytes(checkpoints.Stored!);
        var legacy = new TrainingCheckpoint { Phase = stored.Phase, LanguageModelEpoch = stored.LanguageModelEpoch };
        foreach (string part in new[] { TrainingCheckpointParts.Vocabulary, TrainingCheckpointParts.Labels, TrainingCheckpointParts.Priors })
        {
            legacy.Set(part, stored.Get(part)!);
        }

        var resumed = new TinyTraining.MemoryCheckpoints();
        resumed.Save(legacy.ToBytes());
        var other = Started with { GradualUnfreezing = true };

        var classifier = trainer.TrainStage(TinyTraining.Request(other), TrainingPhase.Classifier, resumed, quiet);

        Assert.True(classifier.Done);
        Assert.Throws<TrainingSettingsMismatchException>(() => trainer.TrainStage(TinyTraining.Request(Started), TrainingPhase.Classifier, resumed, quiet));
    }
}
