namespace PlantFunctions.Model.Training;

/// <summary>The stages of a training run in the order they must run, and the whole run as those stages in turn.</summary>
public static class TrainingStages
{
    /// <summary>LanguageModel, Priors, Ranker, Classifier: what <see cref="IModelTrainer.TrainStage"/> accepts, in order.</summary>
    public static IReadOnlyList<TrainingPhase> All { get; } =
        [TrainingPhase.LanguageModel, TrainingPhase.Priors, TrainingPhase.Ranker, TrainingPhase.Classifier];

    /// <summary>
    /// Runs every stage until it is done, in order, and returns the classifier stage's model file. The checkpoint is
    /// kept in memory between stages as well as saved to <paramref name="checkpoints"/> (a store that forgets, as a
    /// benchmark's may, still gives a whole run); only the first "Preparing" report is passed on, so a console shows
    /// one run, not four.
    /// </summary>
    public static TrainingResult RunAll(IModelTrainer trainer, TrainingRequest request, ITrainingCheckpoints checkpoints,
        IProgress<TrainingProgress> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var latest = new LatestCheckpoint(checkpoints);
        var shown = new OnePreparingReport(progress);
        TrainingStageOutcome? outcome = null;
        foreach (var stage in All)
        {
            do
            {
                outcome = trainer.TrainStage(request, stage, latest, shown, yieldAtEpochEnd: null, cancellationToken);
            }
            while (!outcome.Done);
        }

        return outcome?.Result ?? throw new InvalidOperationException("the classifier stage finished without a model file");
    }

    /// <summary>Throws unless <paramref name="stage"/> is one of <see cref="All"/>.</summary>
    internal static void Require(TrainingPhase stage)
    {
        if (!All.Contains(stage))
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, $"a training stage is one of {string.Join(", ", All)}");
        }
    }

    /// <summary>The first stage before <paramref name="stage"/> that is not finished, or <c>null</c> when all are.</summary>
    internal static TrainingPhase? Unfinished(TrainingPhase stage, Func<TrainingPhase, bool> done) =>
        All.TakeWhile(s => s != stage).Where(s => !done(s)).Select(s => (TrainingPhase?)s).FirstOrDefault();

    /// <summary>The error a stage gives when an earlier one has not finished.</summary>
    internal static InvalidOperationException NotReady(TrainingPhase stage, TrainingPhase missing) =>
        new($"training stage {stage} cannot run yet: the {missing} stage must run (and finish) first");

    private sealed class LatestCheckpoint(ITrainingCheckpoints inner) : ITrainingCheckpoints
    {
        private byte[]? latest;
        private bool loaded;

        public byte[]? Load()
        {
            if (!loaded)
            {
                latest = inner.Load();
                loaded = true;
            }

            return latest;
        }

        public void Save(byte[] checkpoint)
        {
            inner.Save(checkpoint);
            latest = checkpoint;
            loaded = true;
        }
    }

    private sealed class OnePreparingReport(IProgress<TrainingProgress> inner) : IProgress<TrainingProgress>
    {
        private bool prepared;

        public void Report(TrainingProgress value)
        {
            if (value.Phase == TrainingPhase.Preparing)
            {
                if (prepared)
                {
                    return;
                }

                prepared = true;
            }

            inner.Report(value);
        }
    }
}
