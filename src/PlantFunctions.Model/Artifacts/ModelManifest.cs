using PlantFunctions.Model.Evaluation;
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
/// <param name="Threshold">The tuned global threshold as a probability (for display; coding compares logits).</param>
/// <param name="Metrics">Validation metrics at the kept epoch (with refit: of the selection pass, which picked the epoch; the refit model has seen the validation notes).</param>
/// <param name="LabelFrequencies">Training notes per code, in label order (for frequency-bucket metrics).</param>
/// <param name="LogitThreshold">
/// The global threshold tuned on validation (maximising micro-F1) on the logit scale, where coding compares; absent in
/// files written before it existed, which then use the logit of <paramref name="Threshold"/>.
/// </param>
/// <param name="PerCodeLogitThresholds">
/// Per code, the logit threshold maximising that code's F1 on validation; codes without validation positives hold the
/// global one. Used when coding asks for per-code thresholds; absent in older files.
/// </param>
/// <param name="Shortlist">
/// Coding's default shortlist (<see cref="Coding.CodingOptions.Shortlist"/>): codes per note the exact decoder runs for;
/// <c>null</c>: every code. Models grown beyond their training codes carry <see cref="Coding.CodingOptions.DefaultShortlist"/>.
/// </param>
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
    IReadOnlyList<int> LabelFrequencies,
    float? LogitThreshold = null,
    IReadOnlyList<float>? PerCodeLogitThresholds = null,
    int? Shortlist = null)
{
    /// <summary>The schema this build writes (it reads 1 and 2).</summary>
    /// <remarks>Schema 2 added the note-start token (on by default); schema 1 files are read with it off, as they were trained.</remarks>
    public const int CurrentSchema = 2;

    /// <summary>The manifest as this build uses it: a schema 1 file's training options with the note-start token off.</summary>
    internal ModelManifest Upgraded() =>
        SchemaVersion == 1 ? this with { Training = Training with { NoteStartToken = false, StaticPerNote = false } } : this;

    /// <summary>The decision thresholds on the logit scale: the global one, and the per-code ones when asked for and stored.</summary>
    public ThresholdSelection LogitThresholds(bool perCode = false) =>
        new(LogitThreshold ?? Logit(Threshold), perCode ? PerCodeLogitThresholds : null);

    /// <summary>log(p / (1 - p)) in double precision; 0 and 1 map to minus and plus infinity.</summary>
    public static float Logit(double probability) =>
        probability <= 0 ? float.NegativeInfinity
        : probability >= 1 ? float.PositiveInfinity
        : (float)Math.Log(probability / (1 - probability));
}
