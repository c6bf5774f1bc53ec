using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Coding;

/// <summary>
/// Codes notes with a loaded PLANT model file: batched, length-sorted inference; per returned code its probability
/// and its evidence (the note's words with the most attention for that code, with character offsets).
/// </summary>
public sealed class PlantCoder : INoteCoder
{
    private readonly ModelArtifact artifact;
    private readonly Device device;
    private readonly int batchSize;

    /// <summary>Wraps a loaded model file and moves the model to <paramref name="device"/>.</summary>
    public PlantCoder(ModelArtifact artifact, Device device)
    {
        this.artifact = artifact;
        this.device = device;
        artifact.Model.to(device);
        artifact.Model.eval();

        // Accumulators are codes x features floats per note, three of them: keep a batch near 256 MB.
        long perNote = Math.Max(1L, artifact.Labels.Count * (long)artifact.Manifest.Network.EmbeddingSize * 4 * 3);
        batchSize = (int)Math.Clamp((256L << 20) / perNote, 1, 16);
        Info = new CoderInfo(artifact.Manifest.Name, artifact.Manifest.Version, artifact.Labels.Count, "plant");
    }

    /// <inheritdoc />
    public CoderInfo Info { get; }

    /// <summary>The threshold tuned on validation and stored in the model.</summary>
    public float Threshold => artifact.Manifest.Threshold;

    /// <inheritdoc />
    public IReadOnlyList<CodedNote> Code(IReadOnlyList<ClinicalNote> notes, CodingOptions options, CancellationToken cancellationToken = default)
    {
        var training = artifact.Manifest.Training;
        List<EncodedNote> encoded;
        using (StageTimes.Time("tokenization"))
        {
            encoded = [.. notes.Select(n => EncodedNote.From(n, artifact.Vocabulary, null, training.NoteStartToken))];
        }

        int evidence = Math.Max(0, options.EvidenceTokens);

        // Three candidates per evidence word, so repeated occurrences of one word can give way to other words.
        var predictions = Predictor.Predict(artifact.Model, encoded, artifact.StaticAttention, batchSize, evidence * 3,
            training.Stateful, device, cancellationToken, training.AttentionWindow);
        // Ranks and thresholds are on logits: float32 probabilities tie at 1.0 above a logit of ~16.6.
        var thresholds = options.Threshold is { } probability
            ? ThresholdSelection.Fixed(ModelManifest.Logit(probability))
            : artifact.Manifest.LogitThresholds(options.PerCodeThresholds);
        var result = new CodedNote[notes.Count];
        for (int i = 0; i < notes.Count; i++)
        {
            var logits = predictions[i].Logits;
            var probabilities = predictions[i].Probabilities;
            var chosen = Enumerable.Range(0, logits.Length)
                .OrderByDescending(c => logits[c]).ThenBy(c => c)
                .Take(options.MaxCodes)
                .Where((c, rank) => logits[c] >= thresholds.For(c) || rank < options.MinCodes)
                .ToList();
            result[i] = new CodedNote(notes[i].Id, [.. chosen.Select(c => new CodePrediction(
                artifact.Labels.Codes[c], artifact.Labels.Descriptions[c], probabilities[c], Evidence(notes[i], encoded[i], predictions[i], c, evidence)))]);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => artifact.Dispose();

    private static IReadOnlyList<EvidenceToken> Evidence(ClinicalNote note, EncodedNote encoded, Predictor.Prediction prediction, int code, int count)
    {
        if (prediction.EvidencePositions is null || count == 0)
        {
            return [];
        }

        // The most attended positions, one per distinct word (its most attended occurrence), as in the paper's Table 9.
        var tokens = new List<EvidenceToken>(count);
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int e = 0; e < prediction.EvidencePositions.GetLength(0) && tokens.Count < count; e++)
        {
            int position = prediction.EvidencePositions[e, code];
            float weight = prediction.EvidenceWeights![e, code];
            if (weight <= 0 || position >= encoded.Spans.Count)
            {
                continue;
            }

            var span = encoded.Spans[position];
            if (span.Length == 0)
            {
                continue;   // the stand-in token of a note without words
            }

            string text = note.Text.Substring(span.Start, span.Length);
            if (words.Add(text))
            {
                tokens.Add(new EvidenceToken(text, span.Start, span.Length, weight));
            }
        }

        return tokens;
    }
}
