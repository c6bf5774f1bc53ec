using PlantFunctions.Model.Training;

namespace PlantFunctions.Model.Tests.Training;

/// <summary>
/// One tiny run trained stage by stage, yielding at every epoch end (one epoch per call, as a durable orchestration's
/// activities may run it), with a version in the request; and the same options trained in one uninterrupted call.
/// </summary>
public sealed class StagedTrainingFixture
{
    /// <summary>The version the staged request carries.</summary>
    public const string Version = "train-job-42";

    public StagedTrainingFixture()
    {
        var trainer = new PlantTrainer();
        foreach (var stage in TrainingStages.All)
        {
            TrainingStageOutcome outcome;
            do
            {
                outcome = trainer.TrainStage(Request, stage, Checkpoints, new TinyModelFixture.SyncProgress(_ => { }), yieldAtEpochEnd: () => true);
                Outcomes.Add(outcome);
            }
            while (!outcome.Done && Outcomes.Count < 20);
        }

        Uninterrupted = trainer.Train(Request with { Version = null }, new TinyTraining.MemoryCheckpoints(), new TinyModelFixture.SyncProgress(_ => { }));
    }

    /// <summary>Two language-model and two classifier epochs, so both stages yield once.</summary>
    public static TrainingOptions Options { get; } = TinyTraining.Options with { LanguageModelEpochs = 2, ClassifierEpochs = 2 };

    /// <summary>The staged run's request.</summary>
    public TrainingRequest Request { get; } = TinyTraining.Request(Options) with { Version = Version };

    /// <summary>Every call's outcome, in order.</summary>
    public List<TrainingStageOutcome> Outcomes { get; } = [];

    /// <summary>The staged run's checkpoints after its last call.</summary>
    internal TinyTraining.MemoryCheckpoints Checkpoints { get; } = new();

    /// <summary>The staged run's model file.</summary>
    public TrainingResult Staged => Outcomes[^1].Result!;

    /// <summary>The same options trained by one <see cref="PlantTrainer.Train"/> call, without a version.</summary>
    public TrainingResult Uninterrupted { get; }
}
