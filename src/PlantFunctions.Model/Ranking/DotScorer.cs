using PlantFunctions.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Ranking;

/// <summary>score(t, l) = tok[t] . lab[l] + b_t + b_l, the authors' ranking function.</summary>
public sealed class DotScorer : RelevanceScorer
{
    [ComponentName(Name = "tokens")]
    private readonly Embedding tokens;

    [ComponentName(Name = "codes")]
    private readonly Embedding codes;

    [ComponentName(Name = "token_bias")]
    private readonly Embedding tokenBias;

    [ComponentName(Name = "code_bias")]
    private readonly Embedding codeBias;

    /// <summary>Creates the tables with small random vectors and zero biases.</summary>
    public DotScorer(int vocabularySize, int codeCount, int dimension)
        : base(nameof(DotScorer))
    {
        tokens = nn.Embedding(vocabularySize, dimension);
        codes = nn.Embedding(codeCount, dimension);
        tokenBias = nn.Embedding(vocabularySize, 1);
        codeBias = nn.Embedding(codeCount, 1);
        using (no_grad())
        {
            tokens.weight!.normal_(0, 1.0 / Math.Sqrt(dimension));
            codes.weight!.normal_(0, 1.0 / Math.Sqrt(dimension));
            tokenBias.weight!.zero_();
            codeBias.weight!.zero_();
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Embedding TokenEmbedding => tokens;

    /// <inheritdoc />
    public override Embedding CodeEmbedding => codes;

    /// <inheritdoc />
    public override RankerKind Kind => RankerKind.Dot;

    /// <inheritdoc />
    public override Tensor ScorePairs(Tensor tokenIds, Tensor codeIds)
    {
        using var scope = NewDisposeScope();
        var t = tokens.forward(tokenIds);                      // [q, c, d]
        var l = codes.forward(codeIds).unsqueeze(-1);          // [q, d, 1]
        var scores = t.bmm(l).squeeze(-1).Plus(tokenBias.forward(tokenIds).squeeze(-1)).Plus(codeBias.forward(codeIds));
        return scores.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor tokenIds, Tensor codeIds)
    {
        using var scope = NewDisposeScope();
        var t = tokens.forward(tokenIds);
        var l = codes.forward(codeIds);
        // The code bias rides in the product (addmm) and, without gradients, the token bias is added in place: at
        // thousands of codes these [n, m] maps are the decoder's largest, and each extra pass over one costs.
        var scores = addmm(codeBias.forward(codeIds).t(), t, l.t(), beta: 1, alpha: 1);
        var tokenTerm = tokenBias.forward(tokenIds);
        return (is_grad_enabled() ? scores.Plus(tokenTerm) : scores.PlusInPlace(tokenTerm)).MoveToOuterDisposeScope();
    }
}
