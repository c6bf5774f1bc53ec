using PlantFunctions.Model.Ranking;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Networks;

/// <summary>Which attention sources the decoder uses (the paper's ablations).</summary>
/// <param name="Static">Static planted attention S from mutual information.</param>
/// <param name="Planted">Differentiable planted attention P from the ranker.</param>
/// <param name="Inattention">Keep only the top-k ranker scores per code before P's softmax.</param>
/// <param name="InattentionK">The k of inattention.</param>
/// <param name="StaticMassTerm">Add our per-code weight on the static evidence mass S^T 1 to the logits (not in eq. 8).</param>
public sealed record DecoderSwitches(bool Static, bool Planted, bool Inattention, int InattentionK, bool StaticMassTerm = true);

/// <summary>
/// The PLANT decoder's parameters (paper eq. 5-8): label attention U, boost weights W, bias b, the pretrained ranker
/// (planted attention P) and, as our option, a per-code weight on the static evidence mass S^T 1. The streaming computation over the
/// chunks of a note lives in <see cref="DecoderPass"/>.
/// </summary>
public sealed class PlantDecoder : nn.Module
{
    [ComponentName(Name = "label_attention")]
    private readonly Parameter labelAttention;

    [ComponentName(Name = "boost")]
    private readonly Parameter boost;

    [ComponentName(Name = "bias")]
    private readonly Parameter bias;

    [ComponentName(Name = "static_scale")]
    private readonly Parameter staticScale;

    [ComponentName(Name = "ranker")]
    private readonly RelevanceScorer ranker;

    /// <summary>Creates the decoder around a (pretrained) ranker.</summary>
    public PlantDecoder(int codes, int features, RelevanceScorer ranker, DecoderSwitches switches)
        : base(nameof(PlantDecoder))
    {
        labelAttention = new Parameter(randn(codes, features) * 0.02, requires_grad: true);
        boost = new Parameter(randn(codes, features) * 0.02, requires_grad: true);
        bias = new Parameter(full(codes, -4f), requires_grad: true);
        staticScale = new Parameter(zeros(codes), requires_grad: true);
        this.ranker = ranker;
        Switches = switches;
        RegisterComponents();
    }

    /// <summary>Attention sources in use.</summary>
    public DecoderSwitches Switches { get; }

    /// <summary>Number of codes.</summary>
    public long Codes => bias.shape[0];

    /// <summary>U [codes, features].</summary>
    public Parameter LabelAttention => labelAttention;

    /// <summary>W [codes, features].</summary>
    public Parameter Boost => boost;

    /// <summary>b [codes].</summary>
    public Parameter Bias => bias;

    /// <summary>Per-code weight of the static evidence mass [codes].</summary>
    public Parameter StaticScale => staticScale;

    /// <summary>The ranker behind P.</summary>
    public RelevanceScorer Ranker => ranker;

    /// <summary>The decoder's own parameters of eq. 5-8 (without the ranker and the static-mass term), a parameter group.</summary>
    public IEnumerable<Parameter> HeadParameters() => [labelAttention, boost, bias];

    /// <summary>The static-mass term's weights, a parameter group with its own rate.</summary>
    public IEnumerable<Parameter> StaticTermParameters() => [staticScale];

    /// <summary>
    /// For codes the classifier never saw (<paramref name="trainedCounts"/> = 0) but the full training data has, sets b
    /// and the static-mass weight as <see cref="Initialise"/> would from the full counts and MI mass.
    /// </summary>
    public void AdoptUnseenCodes(IReadOnlyList<int> trainedCounts, IReadOnlyList<int> allCounts, int notes, IReadOnlyList<float> staticMass, double termInit)
    {
        using var noGrad = no_grad();
        var weights = StaticTermWeights(staticMass, termInit);
        for (int code = 0; code < allCounts.Count; code++)
        {
            if (trainedCounts[code] == 0 && allCounts[code] > 0)
            {
                bias[code] = (float)Math.Log((allCounts[code] + 0.5) / (notes - allCounts[code] + 0.5));
                staticScale[code] = weights[code];
            }
        }
    }

    /// <summary>
    /// Sets b to the log-odds of each code's training frequency and, when the static-mass term is on, its weight to
    /// <paramref name="termInit"/> x the code's MI mass / the mean mass (0 when the term is off).
    /// </summary>
    public void Initialise(IReadOnlyList<int> codeNotes, int notes, IReadOnlyList<float>? staticMass, double termInit)
    {
        using var noGrad = no_grad();
        var logOdds = codeNotes.Select(n => (float)Math.Log((n + 0.5) / (notes - n + 0.5))).ToArray();
        bias.copy_(tensor(logOdds));
        staticScale.zero_();
        if (staticMass is not null && Switches.StaticMassTerm)
        {
            staticScale.copy_(tensor(StaticTermWeights(staticMass, termInit)));
        }
    }

    /// <summary>termInit x mass_c / mean mass over codes with mass; all 0 when the term is off or no code has mass.</summary>
    private float[] StaticTermWeights(IReadOnlyList<float> staticMass, double termInit)
    {
        var withMass = staticMass.Where(m => m > 0).ToArray();
        if (!Switches.StaticMassTerm || withMass.Length == 0)
        {
            return new float[staticMass.Count];
        }

        double mean = withMass.Average();
        return [.. staticMass.Select(m => (float)(termInit * m / mean))];
    }
}
