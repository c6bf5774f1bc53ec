using PlantFunctions.Model.Ranking;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Ranking;

[Collection(TorchCollection.Name)]
public sealed class FeedForwardScorerTests
{
    [Fact]
    public void Forward_Factorised_EqualsTheConcatenatedTwoLayerNetwork()
    {
        manual_seed(3);
        using var scorer = new FeedForwardScorer(vocabularySize: 50, codeCount: 7, dimension: 6, hidden: 5);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var p in scorer.parameters())
            {
                p.normal_();
            }
        }

        var tokens = tensor(new long[] { 3, 9, 9, 41, 17 });
        var codes = tensor(new long[] { 0, 2, 6 });

        var factorised = scorer.forward(tokens, codes);

        var e_t = scorer.TokenEmbedding.forward(tokens);
        var e_l = scorer.CodeEmbedding.forward(codes);
        var pairs = cat([e_l.unsqueeze(0).expand(5, 3, 6), e_t.unsqueeze(1).expand(5, 3, 6)], 2); // [n, m, 2d] = [e_label; e_token]
        var hidden = nn.functional.relu(pairs.matmul(scorer.ConcatenatedFirstLayerWeight().t()) + scorer.FirstLayerBias);
        var concatenated = scorer.OutputLayer.forward(hidden).squeeze(-1);
        Assert.Equal(new long[] { 5, 3 }, factorised.shape);
        Assert.True(factorised.allclose(concatenated, rtol: 1e-5, atol: 1e-5), "factorised and concatenated forms differ");

        var pairScores = scorer.ScorePairs(tokens.narrow(0, 0, 3).unsqueeze(0), codes.narrow(0, 1, 1));
        Assert.True(pairScores.squeeze(0).allclose(factorised.narrow(0, 0, 3).select(1, 1), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void StateDict_HasStableNames()
    {
        using var scorer = new FeedForwardScorer(10, 3, 4, 2);
        using var dot = new DotScorer(10, 3, 4);

        Assert.Equal(["tokens.weight", "codes.weight", "hidden_codes.weight", "hidden_codes.bias", "hidden_tokens.weight", "output.weight", "output.bias"],
            scorer.state_dict().Keys);
        Assert.Equal(["tokens.weight", "codes.weight", "token_bias.weight", "code_bias.weight"], dot.state_dict().Keys);
    }
}
