using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The per-epoch record a training checkpoint holds, for tools that plot a finished or running run: the language-model
/// epochs (absent when the run started from another run's language model) and the classifier epochs (epoch 0 is the
/// prior-initialised start, validated before any training).
/// </summary>
/// <param name="LanguageModel">Language-model epochs in order.</param>
/// <param name="Classifier">Classifier epochs in order, with their validation metrics.</param>
/// <param name="BestEpoch">The classifier epoch early stopping keeps so far; <c>null</c> before the classifier stage.</param>
/// <param name="Codes">Codes the classifier scores (the training loss sums over them); <c>null</c> before they are known.</param>
/// <param name="Phase">The stage the run was in when the checkpoint was written.</param>
public sealed record TrainingHistory(
    IReadOnlyList<LanguageModelTrainer.EpochResult> LanguageModel,
    IReadOnlyList<ClassifierTrainer.EpochResult> Classifier,
    int? BestEpoch,
    int? Codes,
    TrainingPhase Phase)
{
    /// <summary>Reads the history from a checkpoint written by <see cref="PlantTrainer"/>.</summary>
    public static TrainingHistory From(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var languageModel = new List<LanguageModelTrainer.EpochResult>();
        for (int epoch = 1; epoch <= checkpoint.LanguageModelEpoch; epoch++)
        {
            if (checkpoint.GetJson<LanguageModelTrainer.EpochResult>(TrainingCheckpointParts.LanguageModelEpoch(epoch)) is { } result)
            {
                languageModel.Add(result);
            }
        }

        var classifier = checkpoint.GetJson<ClassifierRecord>(TrainingCheckpointParts.ClassifierState);
        int? codes = checkpoint.Get(TrainingCheckpointParts.Labels) is { } labels ? LabelSet.Load(new MemoryStream(labels)).Count : null;
        return new TrainingHistory(languageModel, classifier?.History ?? [], classifier?.BestEpoch, codes, checkpoint.Phase);
    }

    /// <summary>The part of the classifier's epoch state (written by <see cref="PlantTrainer"/>) a history needs.</summary>
    private sealed record ClassifierRecord(int BestEpoch, List<ClassifierTrainer.EpochResult> History);
}
