using PlantFunctions.Model.Runtime;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// Batched inference in length order (similar lengths share a batch, so little padding), results returned in input
/// order. Synchronous: call it from the one thread that owns the model.
/// </summary>
public static class Predictor
{
    /// <summary>
    /// One note's logits (rank and threshold on these: float32 probabilities saturate at 1.0 for logits above ~16.6),
    /// its probabilities and, for the codes that were to be explained, the positions with the most attention.
    /// </summary>
    public sealed record Prediction(float[] Logits, float[] Probabilities, IReadOnlyDictionary<int, CodeEvidence>? Evidence);

    /// <summary>
    /// Logits and probabilities [notes][codes] and, when <paramref name="evidencePerCode"/> &gt; 0, evidence for the codes
    /// <paramref name="explain"/> picks from a note's logits (every code when it is null). Notes in length order are read
    /// <paramref name="encoderBatchSize"/> at a time by the encoder (default and at least <paramref name="batchSize"/>),
    /// in decoder groups of at most <paramref name="batchSize"/>. With <paramref name="shortlist"/> below the number of
    /// codes, each note's decoder runs over that many codes picked by cheap scores (one note per decoder group; see
    /// <see cref="PlantClassifier.Infer(IReadOnlyList{NoteBatch}, int, Func{int, int, float[], IReadOnlyList{int}}?, bool, int?)"/>).
    /// </summary>
    public static Prediction[] Predict(PlantClassifier model, IReadOnlyList<EncodedNote> notes, StaticAttention? staticAttention,
        int batchSize, int evidencePerCode, bool stateful, Device device, CancellationToken cancellationToken = default, int? attentionWindow = null,
        Func<float[], IReadOnlyList<int>>? explain = null, int? encoderBatchSize = null, int? shortlist = null)
    {
        model.eval();
        var results = new Prediction[notes.Count];
        var order = Enumerable.Range(0, notes.Count).OrderBy(i => notes[i].Tokens.Length).ToArray();
        int encoderBatch = Even(notes.Count, Math.Max(batchSize, encoderBatchSize ?? batchSize));
        for (int start = 0; start < order.Length; start += encoderBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var members = order.AsSpan(start, Math.Min(encoderBatch, order.Length - start)).ToArray();
            bool shortlisted = shortlist is { } n && n < model.Decoder.Codes;
            int groupSize = shortlisted ? 1 : Even(members.Length, batchSize);
            var groups = members.Chunk(groupSize).ToList();
            var batchTime = StageTimes.Time("batching");
            var batches = groups.Select(g => new NoteBatch([.. g.Select(i => notes[i].Tokens)], staticAttention, device, attentionWindow,
                model.Decoder.Switches.AssertionTerm ? [.. g.Select(i => notes[i].Assertions)] : null)).ToList();
            batchTime.Dispose();
            try
            {
                var outputs = model.Infer(batches, evidencePerCode, explain is null ? null : (_, _, row) => explain(row), stateful, shortlist);
                using var outputTime = StageTimes.Time("output");
                for (int g = 0; g < groups.Count; g++)
                {
                    var (logits, evidence) = outputs[g];
                    var cpuLogits = logits.cpu();
                    long codes = cpuLogits.shape[1];
                    float[] flat = cpuLogits.data<float>().ToArray();
                    float[] flatProbabilities = sigmoid(cpuLogits).data<float>().ToArray();
                    for (int b = 0; b < groups[g].Length; b++)
                    {
                        results[groups[g][b]] = new Prediction(flat.AsSpan((int)(b * codes), (int)codes).ToArray(),
                            flatProbabilities.AsSpan((int)(b * codes), (int)codes).ToArray(), evidence?[b]);
                    }
                }
            }
            finally
            {
                batches.ForEach(b => b.Dispose());
            }

            Runtime.TorchRuntime.ReleaseFreedMemory();
        }

        return results;
    }

    /// <summary>
    /// The size of even batches of at most <paramref name="most"/> out of <paramref name="count"/> (9 at 8: 5 + 4, not
    /// 8 + 1: a lone note runs the LSTM at its slowest).
    /// </summary>
    private static int Even(int count, int most)
    {
        int batches = (int)Math.Ceiling(count / (double)Math.Max(1, most));
        return Math.Max(1, (int)Math.Ceiling(count / (double)Math.Max(1, batches)));
    }
}
