using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Ranking;

/// <summary>
/// A learning-to-rank scoring function over (token, code) pairs with its own token and code embedding tables. Forward
/// takes token ids [n] and code ids [m] and returns scores [n, m]. The token table can start from the language model's
/// embeddings and the code table from code descriptions, so rare and unseen codes start near their meaning.
/// </summary>
public abstract class RelevanceScorer : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the module with its name.</summary>
    protected RelevanceScorer(string name)
        : base(name)
    {
    }

    /// <summary>Token embedding table [vocabulary, dimension].</summary>
    public abstract Embedding TokenEmbedding { get; }

    /// <summary>Code embedding table [codes, dimension].</summary>
    public abstract Embedding CodeEmbedding { get; }

    /// <summary>Which function this is.</summary>
    public abstract RankerKind Kind { get; }

    /// <summary>Scores of per-query candidates: tokens [q, c] against their query's code codes [q]; returns [q, c].</summary>
    public abstract Tensor ScorePairs(Tensor tokenIds, Tensor codeIds);

    /// <summary>Scores of tokens [n] against every code: [n, codes].</summary>
    public Tensor ScoreAllCodes(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        using var all = arange(CodeEmbedding.weight!.shape[0], dtype: ScalarType.Int64, device: tokens.device);
        return forward(tokens, all).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Initialises code embeddings as the mean of their description tokens' embeddings (codes without usable
    /// descriptions keep their random start).
    /// </summary>
    public void InitialiseCodesFromDescriptions(IReadOnlyList<int[]> descriptionTokenIds)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokens = TokenEmbedding.weight!;
        var codes = CodeEmbedding.weight!;
        for (int code = 0; code < descriptionTokenIds.Count && code < codes.shape[0]; code++)
        {
            int[] ids = descriptionTokenIds[code];
            if (ids.Length > 0)
            {
                codes[code].copy_(tokens.index_select(0, tensor(ids, ScalarType.Int64, tokens.device)).mean([0]));
            }
        }
    }

    /// <summary>Copies pretrained token vectors (e.g. the language model's embedding table) into the token table.</summary>
    public void InitialiseTokens(Tensor pretrained)
    {
        using var noGrad = no_grad();
        var tokens = TokenEmbedding.weight!;
        if (pretrained.shape[0] != tokens.shape[0] || pretrained.shape[1] != tokens.shape[1])
        {
            throw new ArgumentException($"pretrained embeddings are {pretrained.shape[0]}x{pretrained.shape[1]}, the ranker's are {tokens.shape[0]}x{tokens.shape[1]}");
        }

        tokens.copy_(pretrained);
    }
}
