using PlantFunctions.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Ranking;

/// <summary>
/// The paper's ranking function (eq. 1-2, L = 2): f(x) = w2 . relu(W1 x + b1) + b2 with x = [e_label; e_token].
/// Computed factorised: W1 x = W1a e_label + W1b e_token, so scoring n tokens against m codes costs
/// O((n + m) d h + n m h) and never builds the n x m x 2d concatenation. Exactly equal to the concatenated form.
/// </summary>
public sealed class FeedForwardScorer : RelevanceScorer
{
    private const long MaxPairsTimesHidden = 1L << 25;

    [ComponentName(Name = "tokens")]
    private readonly Embedding tokens;

    [ComponentName(Name = "codes")]
    private readonly Embedding codes;

    [ComponentName(Name = "hidden_codes")]
    private readonly Linear hiddenFromCode;

    [ComponentName(Name = "hidden_tokens")]
    private readonly Linear hiddenFromToken;

    [ComponentName(Name = "output")]
    private readonly Linear output;

    /// <summary>Creates the network; <paramref name="hidden"/> is the width of the hidden layer.</summary>
    public FeedForwardScorer(int vocabularySize, int codeCount, int dimension, int hidden)
        : base(nameof(FeedForwardScorer))
    {
        tokens = nn.Embedding(vocabularySize, dimension);
        codes = nn.Embedding(codeCount, dimension);
        hiddenFromCode = nn.Linear(dimension, hidden, hasBias: true);
        hiddenFromToken = nn.Linear(dimension, hidden, hasBias: false);
        output = nn.Linear(hidden, 1, hasBias: true);
        using (no_grad())
        {
            tokens.weight!.normal_(0, 1.0 / Math.Sqrt(dimension));
            codes.weight!.normal_(0, 1.0 / Math.Sqrt(dimension));
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public override Embedding TokenEmbedding => tokens;

    /// <inheritdoc />
    public override Embedding CodeEmbedding => codes;

    /// <inheritdoc />
    public override RankerKind Kind => RankerKind.FeedForward;

    /// <summary>The first layer's weight as one matrix over [e_label; e_token] (for tests of the factorisation).</summary>
    public Tensor ConcatenatedFirstLayerWeight() => cat([hiddenFromCode.weight!, hiddenFromToken.weight!], 1);

    /// <summary>The first layer's bias.</summary>
    public Tensor FirstLayerBias => hiddenFromCode.bias!;

    /// <summary>The output layer.</summary>
    public Linear OutputLayer => output;

    /// <inheritdoc />
    public override Tensor ScorePairs(Tensor tokenIds, Tensor codeIds)
    {
        using var scope = NewDisposeScope();
        var fromTokens = hiddenFromToken.forward(tokens.forward(tokenIds));             // [q, c, h]
        var fromCodes = hiddenFromCode.forward(codes.forward(codeIds)).unsqueeze(1);   // [q, 1, h]
        var scores = output.forward(nn.functional.relu(fromTokens.Plus(fromCodes))).squeeze(-1);
        return scores.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor tokenIds, Tensor codeIds)
    {
        using var scope = NewDisposeScope();
        var fromTokens = hiddenFromToken.forward(tokens.forward(tokenIds));   // [n, h]
        var fromCodes = hiddenFromCode.forward(codes.forward(codeIds));       // [m, h], carries b1
        long n = fromTokens.shape[0], m = fromCodes.shape[0], h = fromCodes.shape[1];
        long rows = Math.Max(1, MaxPairsTimesHidden / Math.Max(1, m * h));
        var pieces = new List<Tensor>();
        for (long start = 0; start < n; start += rows)
        {
            var part = fromTokens.narrow(0, start, Math.Min(rows, n - start));
            var hiddenLayer = nn.functional.relu(part.unsqueeze(1).Plus(fromCodes.unsqueeze(0))); // [rows, m, h]
            pieces.Add(output.forward(hiddenLayer).squeeze(-1));
        }

        var scores = pieces.Count == 1 ? pieces[0] : cat(pieces, 0);
        return scores.MoveToOuterDisposeScope();
    }
}
