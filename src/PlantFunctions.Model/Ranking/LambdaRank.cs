using PlantFunctions.Model.Runtime;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Ranking;

/// <summary>
/// LambdaRank on nDCG@k (Burges 2010; paper appendix A.2), vectorised over a batch of queries with padded candidate
/// lists. For pairs (i, j) with rel_i &gt; rel_j: lambda_ij = -sigma / (1 + exp(sigma (s_i - s_j))) |delta nDCG@k_ij|,
/// and lambda_i = sum_j lambda_ij - sum_j lambda_ji. Gains are 2^rel - 1.
/// </summary>
public static class LambdaRank
{
    /// <summary>
    /// The lambdas (dC/ds) for scores [q, c] with graded relevance [q, c] and a validity mask [q, c]. Queries with no
    /// relevant candidate get zero lambdas. The result has no gradient: inject it with <see cref="Surrogate"/>.
    /// </summary>
    public static Tensor Lambdas(Tensor scores, Tensor relevance, Tensor mask, int k, double sigma)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var s = scores.detach();
        var gains = pow(2.0, relevance).Minus(HeldScalars.Of(1)).masked_fill(mask.logical_not(), HeldScalars.Of(0));
        var discount = Discounts(s, mask, k);
        var idcg = IdealDcg(gains, k).unsqueeze(-1).unsqueeze(-1);                 // [q, 1, 1]
        var more = (relevance.unsqueeze(2) > relevance.unsqueeze(1)) & mask.unsqueeze(2) & mask.unsqueeze(1);
        var delta = gains.unsqueeze(2).Minus(gains.unsqueeze(1)).abs() * discount.unsqueeze(2).Minus(discount.unsqueeze(1)).abs();
        delta = delta / idcg.clamp_min(HeldScalars.Of(1e-12));
        var minusSigma = HeldScalars.Of(-sigma);
        var pairs = minusSigma * sigmoid(minusSigma * s.unsqueeze(2).Minus(s.unsqueeze(1))) * delta;
        pairs = pairs.masked_fill(more.logical_not(), HeldScalars.Of(0));
        var lambdas = pairs.sum(2).Minus(pairs.sum(1));
        return lambdas.masked_fill((idcg.squeeze(-1) <= HeldScalars.Of(0)).expand_as(lambdas), HeldScalars.Of(0)).MoveToOuterDisposeScope();
    }

    /// <summary>A scalar whose gradient with respect to the scores is the given lambdas (averaged over queries).</summary>
    public static Tensor Surrogate(Tensor scores, Tensor lambdas) => (scores * lambdas.detach()).sum() / HeldScalars.Of(scores.shape[0]);

    /// <summary>nDCG@k per query [q] (0 for a query with no relevant candidate).</summary>
    public static Tensor Ndcg(Tensor scores, Tensor relevance, Tensor mask, int k)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var gains = pow(2.0, relevance).Minus(HeldScalars.Of(1)).masked_fill(mask.logical_not(), HeldScalars.Of(0));
        var dcg = (gains * Discounts(scores.detach(), mask, k)).sum(1);
        var idcg = IdealDcg(gains, k);
        return where(idcg > HeldScalars.Of(0), dcg / idcg.clamp_min(HeldScalars.Of(1e-12)), zeros_like(idcg)).MoveToOuterDisposeScope();
    }

    /// <summary>1 / log2(2 + rank) for candidates ranked in the top k by score, else 0 (padding ranks last).</summary>
    private static Tensor Discounts(Tensor scores, Tensor mask, int k)
    {
        var ordered = scores.masked_fill(mask.logical_not(), HeldScalars.Of(double.NegativeInfinity)).argsort(1, descending: true);
        long candidates = scores.shape[1];
        var positions = arange(candidates, dtype: ScalarType.Float32, device: scores.device).unsqueeze(0).expand_as(scores).contiguous();
        var ranks = zeros_like(scores).scatter_(1, ordered, positions);
        var discount = HeldScalars.Of(1.0) / log2(ranks.Plus(HeldScalars.Of(2.0)));
        return discount.masked_fill((ranks >= HeldScalars.Of(k)) | mask.logical_not(), HeldScalars.Of(0));
    }

    private static Tensor IdealDcg(Tensor gains, int k)
    {
        var (sorted, _) = gains.sort(1, descending: true);
        long top = Math.Min(k, gains.shape[1]);
        var positions = arange(top, dtype: ScalarType.Float32, device: gains.device);
        return (sorted.narrow(1, 0, top) / log2(positions + HeldScalars.Of(2.0))).sum(1);
    }
}
