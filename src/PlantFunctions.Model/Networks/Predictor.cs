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
    /// its probabilities and, per code, its evidence positions and weights.
    /// </summary>
    public sealed record Prediction(float[] Logits, float[] Probabilities, int[,]? EvidencePositions, float[,]? EvidenceWeights);

    /// <summary>Logits and probabilities [notes][codes] (and evidence when <paramref name="evidencePerCode"/> &gt; 0).</summary>
    public static Prediction[] Predict(PlantClassifier model, IReadOnlyList<EncodedNote> notes, StaticAttention? staticAttention,
        int batchSize, int evidencePerCode, bool stateful, Device device, CancellationToken cancellationToken = default, int? attentionWindow = null)
    {
        model.eval();
        var results = new Prediction[notes.Count];
        var order = Enumerable.Range(0, notes.Count).OrderBy(i => notes[i].Tokens.Length).ToArray();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var members = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            var batchTime = StageTimes.Time("batching");
            using var batch = new NoteBatch([.. members.Select(i => notes[i].Tokens)], staticAttention, device, attentionWindow);
            batchTime.Dispose();
            var (logits, positions, weights) = model.Infer(batch, evidencePerCode, stateful);
            using var outputTime = StageTimes.Time("output");
            var cpuLogits = logits.cpu();
            long codes = cpuLogits.shape[1];
            float[] flat = cpuLogits.data<float>().ToArray();
            float[] flatProbabilities = sigmoid(cpuLogits).data<float>().ToArray();
            long[]? flatPositions = evidencePerCode > 0 ? positions.cpu().data<long>().ToArray() : null;
            float[]? flatWeights = evidencePerCode > 0 ? weights.cpu().data<float>().ToArray() : null;
            for (int b = 0; b < members.Length; b++)
            {
                var row = flat.AsSpan((int)(b * codes), (int)codes).ToArray();
                var probabilityRow = flatProbabilities.AsSpan((int)(b * codes), (int)codes).ToArray();
                int[,]? p = null;
                float[,]? w = null;
                if (flatPositions is not null)
                {
                    p = new int[evidencePerCode, codes];
                    w = new float[evidencePerCode, codes];
                    for (int e = 0; e < evidencePerCode; e++)
                    {
                        for (int c = 0; c < codes; c++)
                        {
                            long index = (((long)b * evidencePerCode) + e) * codes + c;
                            p[e, c] = (int)flatPositions[index];
                            w[e, c] = flatWeights![index];
                        }
                    }
                }

                results[members[b]] = new Prediction(row, probabilityRow, p, w);
            }

            Runtime.TorchRuntime.ReleaseFreedMemory();
        }

        return results;
    }
}
