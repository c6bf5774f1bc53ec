using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Runtime;
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
/// <param name="PaperInattention">
/// Inattention in the paper's form: scores strictly above the k-th are kept and the others set to 0 (not -inf) before
/// the softmax; off: ours, the others get -inf and ties with the k-th are kept.
/// </param>
/// <param name="AssertionTerm">
/// Add our assertion term to the logits: per non-affirmed assertion category (negated, possible, historical, family) a
/// learnt weight times the share of the code's attention A + S + P on positions of that category (not in eq. 8).
/// </param>
public sealed record DecoderSwitches(bool Static, bool Planted, bool Inattention, int InattentionK, bool StaticMassTerm = true, bool PaperInattention = false,
    bool AssertionTerm = false);

/// <summary>
/// The PLANT decoder's parameters (paper eq. 5-8): label attention U, boost weights W, bias b, the pretrained ranker
/// (planted attention P) and, as our options, a per-code weight on the static evidence mass S^T 1 and rows of U and W
/// shared by the codes of one ICD category (<see cref="AttentionQueries"/>). The streaming computation over the chunks
/// of a note lives in <see cref="DecoderPass"/>.
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

    [ComponentName(Name = "category_attention")]
    private readonly Parameter? categoryAttention;

    [ComponentName(Name = "category_boost")]
    private readonly Parameter? categoryBoost;

    [ComponentName(Name = "assertion_weights")]
    private readonly Parameter? assertionWeights;

    /// <summary>Per code its category's row, or the appended zero row for codes in no category; null without sharing.</summary>
    private readonly long[]? categoryRows;
    private Tensor? categoryIndex;

    /// <summary>
    /// Creates the decoder around a (pretrained) ranker. With <paramref name="categories"/> (codes grouped by ICD
    /// category), each group also has a row of U and of W, starting at zero, that its codes add to their own.
    /// </summary>
    public PlantDecoder(int codes, int features, RelevanceScorer ranker, DecoderSwitches switches, CodeCategories? categories = null)
        : base(nameof(PlantDecoder))
    {
        labelAttention = new Parameter(randn(codes, features).mul_(HeldScalars.InitialSpread), requires_grad: true);
        boost = new Parameter(randn(codes, features).mul_(HeldScalars.InitialSpread), requires_grad: true);
        bias = new Parameter(full(codes, HeldScalars.InitialBias), requires_grad: true);
        staticScale = new Parameter(zeros(codes), requires_grad: true);
        if (categories is not null)
        {
            if (categories.GroupOf.Count != codes)
            {
                throw new ArgumentException($"categories cover {categories.GroupOf.Count} codes, the decoder has {codes}", nameof(categories));
            }

            categoryAttention = new Parameter(zeros(categories.Count, features), requires_grad: true);
            categoryBoost = new Parameter(zeros(categories.Count, features), requires_grad: true);
            categoryRows = [.. categories.GroupOf.Select(g => g < 0 ? (long)categories.Count : g)];
        }

        if (switches.AssertionTerm)
        {
            // Zero at the start: the term begins as the decoder without it and learns its weights with the head.
            assertionWeights = new Parameter(zeros(NoteBatch.AssertionCategories.Count), requires_grad: true);
        }

        this.ranker = ranker;
        Switches = switches;
        RegisterComponents();
    }

    /// <summary>Attention sources in use.</summary>
    public DecoderSwitches Switches { get; }

    /// <summary>Number of codes.</summary>
    public long Codes => bias.shape[0];

    /// <summary>U [codes, features], each code's own rows (without its category's share).</summary>
    public Parameter LabelAttention => labelAttention;

    /// <summary>W [codes, features], each code's own rows (without its category's share).</summary>
    public Parameter Boost => boost;

    /// <summary>The category rows of U [categories, features], or <c>null</c> without category sharing.</summary>
    public Parameter? CategoryAttention => categoryAttention;

    /// <summary>The category rows of W [categories, features], or <c>null</c> without category sharing.</summary>
    public Parameter? CategoryBoost => categoryBoost;

    /// <summary>The attention queries the decoder uses: U, plus each code's category row when sharing is on.</summary>
    public Tensor AttentionQueries() => categoryAttention is null ? labelAttention : labelAttention.Plus(PerCode(categoryAttention));

    /// <summary>The output weights the decoder uses: W, plus each code's category row when sharing is on.</summary>
    public Tensor OutputWeights() => categoryBoost is null ? boost : boost.Plus(PerCode(categoryBoost));

    /// <summary>b [codes].</summary>
    public Parameter Bias => bias;

    /// <summary>Per-code weight of the static evidence mass [codes].</summary>
    public Parameter StaticScale => staticScale;

    /// <summary>
    /// The assertion term's weights, one per non-affirmed category in the order of <see cref="NoteBatch.AssertionCategories"/>;
    /// <c>null</c> without the term.
    /// </summary>
    public Parameter? AssertionWeights => assertionWeights;

    /// <summary>The ranker behind P.</summary>
    public RelevanceScorer Ranker => ranker;

    /// <summary>The decoder's own parameters of eq. 5-8 (without the ranker and the static-mass term) and the assertion term's weights, a parameter group.</summary>
    public IEnumerable<Parameter> HeadParameters() =>
        new[] { labelAttention, boost, bias, categoryAttention, categoryBoost, assertionWeights }.OfType<Parameter>();

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

    /// <summary>
    /// The planted start of A (<see cref="Training.TrainingOptions.PlantedQueries"/>): each code with MI tokens gets as
    /// its query U the mix of its strongest tokens' tied embeddings (<see cref="PlantedQueries.Mix"/>), and as its output
    /// weights W the same direction at the norm a random row starts with; codes without tokens keep their random rows.
    /// </summary>
    public void PlantQueries(Tensor embedding, Priors.RelevancePriors priors)
    {
        if (priors.Labels != Codes || embedding.shape[1] != labelAttention.shape[1])
        {
            throw new ArgumentException($"planting needs priors of the decoder's {Codes} codes and embeddings of its width {labelAttention.shape[1]}");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mix = PlantedQueries.Mix(embedding, priors).to(labelAttention.device);
        var norms = mix.norm(1, keepdim: true);
        var planted = norms.gt(HeldScalars.Zero);
        double randomNorm = HeldScalars.InitialSpreadValue * Math.Sqrt(labelAttention.shape[1]);
        using var target = randomNorm.ToScalar();
        labelAttention.copy_(where(planted, mix, labelAttention));
        boost.copy_(where(planted, mix / norms.clamp_min(HeldScalars.Tiny) * target, boost));
    }

    /// <summary>Category rows [categories, features] spread to the codes [codes, features]; codes in no category get zeros.</summary>
    private Tensor PerCode(Parameter perCategory)
    {
        var device = perCategory.device;
        if (categoryIndex is null || categoryIndex.device != device)
        {
            categoryIndex?.Dispose();
            categoryIndex = tensor(categoryRows!, device: device).DetachFromDisposeScope();
        }

        return cat([perCategory, zeros([1, perCategory.shape[1]], device: device)]).index_select(0, categoryIndex);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            categoryIndex?.Dispose();
        }

        base.Dispose(disposing);
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
