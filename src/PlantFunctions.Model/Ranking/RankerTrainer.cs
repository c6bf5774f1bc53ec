using System.Diagnostics;
using PlantFunctions.Model.Priors;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Ranking;

/// <summary>
/// Trains a <see cref="RelevanceScorer"/> with LambdaRank on nDCG@k, each code a query and tokens its candidates,
/// relevance bootstrapped from the mutual-information priors (paper appendix A.2), and reports held-out nDCG@k
/// before and after, overall and for rare codes. The hold-out is for that report only: by default the scorer is then
/// trained again from the same start on every relevance pair, and that one ships.
/// </summary>
public sealed class RankerTrainer(RankerOptions options)
{
    /// <summary>Trains in place and returns the report.</summary>
    /// <param name="scorer">The scorer, already initialised (LM token embeddings, description code embeddings).</param>
    /// <param name="priors">The MI priors that define relevance.</param>
    /// <param name="tokenDocumentFrequency">Document frequency per token id (for frequency-weighted negatives), optional.</param>
    /// <param name="codeNoteCounts">Training notes per code (to report rare codes), optional.</param>
    /// <param name="progress">Receives (epoch, epochs, mean loss) after each epoch.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    public RankingReport Train(RelevanceScorer scorer, RelevancePriors priors, IReadOnlyList<int>? tokenDocumentFrequency,
        IReadOnlyList<int>? codeNoteCounts, IProgress<(int Epoch, int Epochs, double Loss)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var data = new RankingData(priors, tokenDocumentFrequency, options);
        var device = scorer.TokenEmbedding.weight!.device;
        var (before, rareBefore, evaluated, rare) = EvaluateHeldOut(scorer, data, codeNoteCounts, device);
        byte[]? initial = options.ShipTrainedOnAllData && data.HeldOut.Any(h => h.Length > 0) ? Serialization.ZipParts.Weights(scorer) : null;
        TrainEpochs(scorer, data, data.Train, progress, cancellationToken);
        scorer.eval();
        var (after, rareAfter, _, _) = EvaluateHeldOut(scorer, data, codeNoteCounts, device);
        double trainAfter = EvaluateTraining(scorer, data, device);
        double? shipped = null;
        if (initial is not null)
        {
            // The hold-out only measures generalisation; the scorer that ships learns from every relevance pair, from
            // the same start, for the same epochs.
            scorer.load(new MemoryStream(initial), strict: true);
            var all = data.Train.Select((train, code) => train.Concat(data.HeldOut[code]).OrderByDescending(g => g.Grade).ToArray()).ToArray();
            TrainEpochs(scorer, data, all, progress: null, cancellationToken);
            scorer.eval();
            (shipped, _, _, _) = EvaluateHeldOut(scorer, data, codeNoteCounts, device);
        }

        return new RankingReport(options.K, before, after, rareBefore, rareAfter, trainAfter, evaluated, rare, clock.Elapsed.TotalSeconds)
        {
            ShippedOnHeldOut = shipped,
        };
    }

    /// <summary>LambdaRank epochs over the given relevance lists (one per code) with sampled negatives.</summary>
    private void TrainEpochs(RelevanceScorer scorer, RankingData data, (int Token, float Grade)[][] lists,
        IProgress<(int Epoch, int Epochs, double Loss)>? progress, CancellationToken cancellationToken)
    {
        var device = scorer.TokenEmbedding.weight!.device;
        var random = new Random(options.Seed + 2);
        var trainable = Enumerable.Range(0, lists.Length).Where(c => lists[c].Length > 0).ToArray();
        scorer.zero_grad(set_to_none: true);
        using var optimizer = optim.AdamW(scorer.parameters(), options.LearningRate, 0.9, 0.99, 1e-8, options.WeightDecay);
        scorer.train();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            Shuffle(trainable, random);
            double lossSum = 0;
            int steps = 0;
            for (int start = 0; start < trainable.Length; start += options.CodesPerBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = trainable.AsSpan(start, Math.Min(options.CodesPerBatch, trainable.Length - start)).ToArray();
                var (tokens, relevance, mask, codes) = TrainingBatch(batch, lists, data, random, device);
                optimizer.zero_grad();
                var scores = scorer.ScorePairs(tokens, codes);
                var lambdas = LambdaRank.Lambdas(scores, relevance, mask, options.K, options.Sigma);
                var surrogate = LambdaRank.Surrogate(scores, lambdas);
                surrogate.backward();
                nn.utils.clip_grad_norm_(scorer.parameters(), options.ClipNorm);
                optimizer.step();
                lossSum += 1 - LambdaRank.Ndcg(scores, relevance, mask, options.K).mean().item<float>();
                steps++;
            }

            progress?.Report((epoch, options.Epochs, steps == 0 ? double.NaN : lossSum / steps));
        }
    }

    private (Tensor Tokens, Tensor Relevance, Tensor Mask, Tensor Codes) TrainingBatch(int[] batch, (int Token, float Grade)[][] positives,
        RankingData data, Random random, Device device)
    {
        int width = batch.Max(c => positives[c].Length) + options.NegativesPerCode;
        var lists = batch.Select(code =>
        {
            var negatives = data.SampleNegatives(code, options.NegativesPerCode, random);
            return positives[code].Concat(negatives.Select(t => (t, 0f))).ToArray();
        }).ToArray();
        return Pack(batch, lists, width, device);
    }

    private (double All, double Rare, int Evaluated, int RareCount) EvaluateHeldOut(RelevanceScorer scorer, RankingData data, IReadOnlyList<int>? codeNoteCounts, Device device)
    {
        var codes = Enumerable.Range(0, data.HeldOut.Length).Where(c => data.HeldOut[c].Length > 0).ToArray();
        var lists = codes.ToDictionary(c => c, c => data.HeldOut[c].Concat(data.EvaluationNegatives[c].Select(t => (t, 0f))).ToArray());
        var ndcg = Ndcg(scorer, codes, c => lists[c], device);
        var rareCodes = codes.Where(c => codeNoteCounts is not null && codeNoteCounts[c] <= options.RareCodeMaxNotes).ToHashSet();
        double all = ndcg.Count == 0 ? double.NaN : ndcg.Values.Average();
        double rare = rareCodes.Count == 0 ? double.NaN : rareCodes.Average(c => ndcg[c]);
        return (all, rare, codes.Length, rareCodes.Count);
    }

    private double EvaluateTraining(RelevanceScorer scorer, RankingData data, Device device)
    {
        var codes = Enumerable.Range(0, data.Train.Length).Where(c => data.Train[c].Length > 0).ToArray();
        var random = new Random(options.Seed + 3);
        var lists = codes.ToDictionary(c => c, c => data.Train[c].Concat(data.SampleNegatives(c, options.EvaluationNegatives, random).Select(t => (t, 0f))).ToArray());
        var ndcg = Ndcg(scorer, codes, c => lists[c], device);
        return ndcg.Count == 0 ? double.NaN : ndcg.Values.Average();
    }

    private Dictionary<int, double> Ndcg(RelevanceScorer scorer, int[] codes, Func<int, (int Token, float Grade)[]> listOf, Device device)
    {
        var result = new Dictionary<int, double>();
        using var noGrad = no_grad();
        for (int start = 0; start < codes.Length; start += 256)
        {
            using var scope = NewDisposeScope();
            var batch = codes.AsSpan(start, Math.Min(256, codes.Length - start)).ToArray();
            var lists = batch.Select(listOf).ToArray();
            var (tokens, relevance, mask, codeIds) = Pack(batch, lists, lists.Max(l => l.Length), device);
            var values = LambdaRank.Ndcg(scorer.ScorePairs(tokens, codeIds), relevance, mask, options.K).data<float>().ToArray();
            for (int i = 0; i < batch.Length; i++)
            {
                result[batch[i]] = values[i];
            }
        }

        return result;
    }

    private static (Tensor Tokens, Tensor Relevance, Tensor Mask, Tensor Codes) Pack(int[] codes, (int Token, float Grade)[][] lists, int width, Device device)
    {
        var tokens = new long[codes.Length * width];
        var relevance = new float[codes.Length * width];
        var mask = new bool[codes.Length * width];
        for (int q = 0; q < codes.Length; q++)
        {
            for (int i = 0; i < lists[q].Length; i++)
            {
                tokens[(q * width) + i] = lists[q][i].Token;
                relevance[(q * width) + i] = lists[q][i].Grade;
                mask[(q * width) + i] = true;
            }
        }

        long[] shape = [codes.Length, width];
        return (tensor(tokens, shape, device: device), tensor(relevance, shape, device: device), tensor(mask, shape, device: device),
            tensor(codes.Select(c => (long)c).ToArray(), device: device));
    }

    private static void Shuffle(int[] items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
