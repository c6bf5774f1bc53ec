namespace PlantFunctions.Model.Training;

/// <summary>
/// The names of the parts a <see cref="TrainingCheckpoint"/> holds, in one place: the trainer writes and reads them,
/// and tools that reuse a stage of a checkpoint (the CLI's <c>--lm-from</c>) copy them by these names.
/// </summary>
public static class TrainingCheckpointParts
{
    /// <summary>Stage reached and language-model epoch (written by <see cref="TrainingCheckpoint"/> itself).</summary>
    public const string State = "state.json";

    /// <summary>The training settings the run was started with (a resume must ask for the same; see <see cref="CheckpointSettings"/>).</summary>
    public const string Options = "options.json";

    /// <summary>The vocabulary built when the run started.</summary>
    public const string Vocabulary = "vocabulary.json";

    /// <summary>The label set built when the run started.</summary>
    public const string Labels = "labels.json";

    /// <summary>Seconds spent training so far, over every call (the model's "trainingSeconds").</summary>
    public const string Seconds = "training-seconds.json";

    /// <summary>Language-model weights after the last finished epoch.</summary>
    public const string LanguageModel = "lm.bin";

    /// <summary>Language-model optimizer state after the last finished epoch.</summary>
    public const string LanguageModelOptimizer = "lm-optimizer.bin";

    /// <summary>Mutual-information priors (present once the Priors stage is done).</summary>
    public const string Priors = "priors.bin";

    /// <summary>Ranker weights (present once the Ranker stage is done).</summary>
    public const string Ranker = "ranker.bin";

    /// <summary>The ranker's held-out report.</summary>
    public const string RankerReport = "ranker-report.json";

    /// <summary>Classifier epoch, best score and epoch, and history.</summary>
    public const string ClassifierState = "classifier.json";

    /// <summary>Classifier weights after the last finished epoch.</summary>
    public const string ClassifierWeights = "classifier.weights";

    /// <summary>Classifier weights at the best epoch so far.</summary>
    public const string ClassifierBest = "classifier.best";

    /// <summary>Classifier optimizer state after the last finished epoch.</summary>
    public const string ClassifierOptimizer = "classifier.optimizer";

    /// <summary>With refit, the selection pass's model file (what the run would ship without refit), kept beside the refit one.</summary>
    public const string SelectionModelFile = "selection.plant";

    /// <summary>The refit pass's epoch and history (present once it has finished an epoch).</summary>
    public const string RefitState = "refit.json";

    /// <summary>The refit pass's weights after its last finished epoch.</summary>
    public const string RefitWeights = "refit.weights";

    /// <summary>The refit pass's optimizer state after its last finished epoch.</summary>
    public const string RefitOptimizer = "refit.optimizer";

    /// <summary>The finished model file (present once the Classifier stage is done).</summary>
    public const string ModelFile = "model.plant";

    /// <summary>The finished model's version and metrics.</summary>
    public const string Result = "result.json";

    /// <summary>A language-model epoch's results.</summary>
    public static string LanguageModelEpoch(int epoch) => $"lm-epoch-{epoch}.json";
}
