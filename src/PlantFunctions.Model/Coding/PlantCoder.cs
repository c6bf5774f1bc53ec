using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Evaluation;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Coding;

/// <summary>
/// Codes notes with a loaded PLANT model file: batched, length-sorted inference; per returned code its probability
/// and its evidence (the note's words with the most attention for that code, with character offsets, each with its
/// assertion from <see cref="AssertionTagger"/>, tagged once per note) and the share of that evidence not affirmed.
/// </summary>
public sealed class PlantCoder : INoteCoder
{
    private readonly ModelArtifact artifact;
    private readonly Device device;

    /// <summary>Wraps a loaded model file and moves the model to <paramref name="device"/>.</summary>
    public PlantCoder(ModelArtifact artifact, Device device)
    {
        this.artifact = artifact;
        this.device = device;
        artifact.Model.to(device);
        artifact.Model.eval();
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
        int evidence = Math.Max(0, options.EvidenceTokens);

        // Tags are needed for the evidence's assertions and by a model with the assertion term.
        bool tag = evidence > 0 || training.AssertionTerm;
        List<EncodedNote> encoded;
        using (StageTimes.Time("tokenization"))
        {
            encoded = [.. notes.Select(n => EncodedNote.From(n, artifact.Vocabulary, null, training.NoteStartToken, tag))];
        }

        // Ranks and thresholds are on logits: float32 probabilities tie at 1.0 above a logit of ~16.6.
        var thresholds = options.Threshold is { } probability
            ? ThresholdSelection.Fixed(ModelManifest.Logit(probability))
            : artifact.Manifest.LogitThresholds(options.PerCodeThresholds);
        List<int> Choose(float[] logits) => [.. Enumerable.Range(0, logits.Length)
            .OrderByDescending(c => logits[c]).ThenBy(c => c)
            .Take(options.MaxCodes)
            .Where((c, rank) => logits[c] >= thresholds.For(c) || rank < options.MinCodes)];

        // Evidence only for the codes a record returns; three candidates per evidence word, so repeated occurrences of one
        // word can give way to other words.
        // A decoder group's logits need about four codes x features maps per note (A's running sum, the S and P terms,
        // their total): keep those near 256 MB. The encoder reads up to 32 notes together (its recurrent product is far
        // faster over many rows) as long as every note's running sum of A (codes x features) stays within 512 MB; with a
        // shortlist the decoder holds the shortlisted codes' sums only. Token x code maps are bounded separately
        // (DecoderPass.MapBudget).
        int? shortlist = (options.Shortlist ?? artifact.Manifest.Shortlist) is > 0 and var n ? n : null;
        long decoded = Math.Min(artifact.Labels.Count, shortlist ?? int.MaxValue);
        long perNote = Math.Max(1L, decoded * artifact.Manifest.Network.EmbeddingSize * 4);
        int batchSize = (int)Math.Clamp((256L << 20) / (perNote * 4), 1, 16);
        int encoderBatchSize = (int)Math.Clamp((512L << 20) / perNote, batchSize, 32);
        var predictions = Predictor.Predict(artifact.Model, encoded, artifact.StaticAttention, batchSize, evidence * 3,
            training.Stateful, device, cancellationToken, training.AttentionWindow, logits => Choose(logits), encoderBatchSize, shortlist);
        var result = new CodedNote[notes.Count];
        for (int i = 0; i < notes.Count; i++)
        {
            var logits = predictions[i].Logits;
            var probabilities = predictions[i].Probabilities;
            var chosen = Choose(logits);
            var assertions = encoded[i].Assertions ?? [];
            result[i] = new CodedNote(notes[i].Id, [.. chosen.Select(c => Prediction(c, probabilities[c], Evidence(notes[i], encoded[i], predictions[i], assertions, c, evidence)))]);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => artifact.Dispose();

    private CodePrediction Prediction(int code, float probability, IReadOnlyList<EvidenceToken> evidence)
    {
        float total = evidence.Sum(e => e.Weight);
        float? share = total > 0 ? evidence.Where(e => e.Assertion is not null).Sum(e => e.Weight) / total : null;
        return new CodePrediction(artifact.Labels.Codes[code], artifact.Labels.DescriptionOf(code), probability, evidence, share);
    }

    private static IReadOnlyList<EvidenceToken> Evidence(ClinicalNote note, EncodedNote encoded, Predictor.Prediction prediction, Assertion[] assertions, int code, int count)
    {
        if (prediction.Evidence is null || count == 0 || !prediction.Evidence.TryGetValue(code, out var candidates))
        {
            return [];
        }

        // The most attended positions, one per distinct word (its most attended occurrence), as in the paper's Table 9.
        var tokens = new List<EvidenceToken>(count);
        var words = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int e = 0; e < candidates.Positions.Length && tokens.Count < count; e++)
        {
            int position = candidates.Positions[e];
            float weight = candidates.Weights[e];
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
                tokens.Add(new EvidenceToken(text, span.Start, span.Length, weight, assertions[position].RecordName()));
            }
        }

        return tokens;
    }
}
