using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Training;

namespace PlantFunctions.Model.Artifacts;

/// <summary>The JSON manifest at the head of a model file: what the weights are and how to use them.</summary>
/// <param name="SchemaVersion">Model file schema; a loader refuses versions it does not know.</param>
/// <param name="Kind">"plant".</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Model version.</param>
/// <param name="CreatedUtc">When training finished.</param>
/// <param name="Network">Sizes, dropouts, chunk length, inattention k.</param>
/// <param name="Training">Preset, epochs and ablation switches the model was trained with.</param>
/// <param name="VocabularyHash">Hash of vocabulary.json's tokens.</param>
/// <param name="LabelHash">Hash of labels.json's codes.</param>
/// <param name="Threshold">Probability threshold tuned on validation (global, maximising micro-F1).</param>
/// <param name="Metrics">Validation metrics at the kept epoch.</param>
/// <param name="LabelFrequencies">Training notes per code, in label order (for frequency-bucket metrics).</param>
public sealed record ModelManifest(
    int SchemaVersion,
    string Kind,
    string Name,
    string Version,
    DateTimeOffset CreatedUtc,
    NetworkConfig Network,
    TrainingOptions Training,
    string VocabularyHash,
    string LabelHash,
    float Threshold,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<int> LabelFrequencies)
{
    /// <summary>The schema this build writes and reads.</summary>
    public const int CurrentSchema = 1;
}
