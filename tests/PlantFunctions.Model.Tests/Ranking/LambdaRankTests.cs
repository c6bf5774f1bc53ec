using PlantFunctions.Model.Ranking;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Ranking;

[Collection(TorchCollection.Name)]
public sealed class LambdaRankTests
{
    [Fact]
    public void Ndcg_HandComputedExample()
    {
        // Scores rank candidates as [c1, c0, c2]; relevance [2, 0, 1]; gains 2^r - 1 = [3, 0, 1].
        using var scope = NewDisposeScope();
        var scores = tensor(new float[] { 0.5f, 0.9f, 0.1f }).unsqueeze(0);
        var relevance = tensor(new float[] { 2, 0, 1 }).unsqueeze(0);
        var mask = ones(1, 3, ScalarType.Bool);

        float ndcg = LambdaRank.Ndcg(scores, relevance, mask, k: 3).item<float>();

        double dcg = (0 / Math.Log2(2)) + (3 / Math.Log2(3)) + (1 / Math.Log2(4));
        double ideal = (3 / Math.Log2(2)) + (1 / Math.Log2(3));
        Assert.Equal(dcg / ideal, ndcg, 5);
        Assert.Equal(0.0, LambdaRank.Ndcg(scores, relevance, mask, k: 1).item<float>(), 5);
    }

    [Fact]
    public void Lambdas_EqualABruteForcePairLoop()
    {
        var random = new Random(5);
        const int queries = 3, candidates = 9, k = 4;
        const double sigma = 0.7;
        var s = Enumerable.Range(0, queries * candidates).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray();
        var rel = Enumerable.Range(0, queries * candidates).Select(_ => (float)random.Next(4)).ToArray();
        var valid = Enumerable.Range(0, queries * candidates).Select(i => i % candidates < candidates - (i / candidates)).ToArray();
        using var scope = NewDisposeScope();

        var lambdas = LambdaRank.Lambdas(tensor(s).reshape(queries, candidates), tensor(rel).reshape(queries, candidates),
            tensor(valid).reshape(queries, candidates), k, sigma).data<float>().ToArray();

        for (int q = 0; q < queries; q++)
        {
            var idx = Enumerable.Range(q * candidates, candidates).Where(i => valid[i]).ToArray();
            var rank = idx.OrderByDescending(i => s[i]).Select((i, r) => (i, r)).ToDictionary(x => x.i, x => x.r);
            double Disc(int i) => rank[i] < k ? 1 / Math.Log2(rank[i] + 2) : 0;
            double Gain(int i) => Math.Pow(2, rel[i]) - 1;
            double ideal = idx.Select(Gain).OrderDescending().Take(k).Select((g, r) => g / Math.Log2(r + 2)).Sum();
            foreach (int i in idx)
            {
                double expected = 0;
                foreach (int j in idx)
                {
                    double delta = Math.Abs(Gain(i) - Gain(j)) * Math.Abs(Disc(i) - Disc(j)) / ideal;
                    if (rel[i] > rel[j])
                    {
                        expected += -sigma / (1 + Math.Exp(sigma * (s[i] - s[j]))) * delta;
                    }
                    else if (rel[j] > rel[i])
                    {
                        expected -= -sigma / (1 + Math.Exp(sigma * (s[j] - s[i]))) * delta;
                    }
                }

                Assert.Equal(expected, lambdas[i], 4);
            }

            Assert.All(Enumerable.Range(q * candidates, candidates).Where(i => !valid[i]), i => Assert.Equal(0f, lambdas[i]));
        }
    }
}
