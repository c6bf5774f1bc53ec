namespace PlantFunctions.Model.Training;

/// <summary>
/// What to train: the size preset, epochs, and the paper's ablation switches. Every switch defaults to full PLANT.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Size preset: "tiny" (tests), "cpu" (trains in minutes on a laptop CPU), "paper" (400/1152/3 layers).</summary>
    public string Preset { get; init; } = "cpu";

    /// <summary>
    /// Language-model fine-tuning epochs (0 skips the LM stage). 1 by default since 2026-12-02: on CodiEsp a 1-epoch
    /// language model (its own one-cycle schedule) gave the classifier a higher validation MAP than a 2-epoch one (0.483
    /// against 0.467), the rule that picks defaults here, and takes half the time.
    /// </summary>
    public int LanguageModelEpochs { get; init; } = 1;

    /// <summary>Ranker (learning-to-rank) epochs.</summary>
    public int RankerEpochs { get; init; } = 10;

    /// <summary>Classifier epochs (early stopping may end sooner).</summary>
    public int ClassifierEpochs { get; init; } = 12;

    /// <summary>Peak learning rate of the classifier's decoder group; <c>null</c> = the preset's default (3e-3).</summary>
    public double? ClassifierLearningRate { get; init; }

    /// <summary>Use static planted attention S from mutual information (off = ablation).</summary>
    public bool StaticAttention { get; init; } = true;

    /// <summary>Use differentiable planted attention P from the ranker (off = ablation). S and P off = LAAT-only.</summary>
    public bool PlantedAttention { get; init; } = true;

    /// <summary>
    /// Inattention (paper eq. 6): keep only the top-k ranker scores per code before P's softmax; off = softmax over all
    /// tokens. Off by default since 2026-12-02: on CodiEsp (notes of ~300 tokens, where the top 30 keep a tenth of a note)
    /// P over every token had the higher validation MAP on every seed and language model tried; the paper found it
    /// helps on MIMIC's five times longer notes, so turn it on there.
    /// </summary>
    public bool Inattention { get; init; }

    /// <summary>
    /// Our addition to the paper's eq. 8: logit += w_c x S^T 1, a learned per-code weight on the share of the code's MI
    /// mass present in the note (a scaled prior-only score). Off = the paper's decoder. Absent from older model files,
    /// which all used it.
    /// </summary>
    public bool StaticMassTerm { get; init; } = true;

    /// <summary>
    /// S per note, the authors' form (the default since 2026-12-02, chosen by validation MAP on CodiEsp: 0.469 against
    /// 0.460): each code attends to the note's own top tokens among all its stored MI tokens. Off: each code's globally
    /// strongest tokens wherever they occur, what schema-1 model files used.
    /// </summary>
    public bool StaticPerNote { get; init; } = true;

    /// <summary>
    /// Category sharing, our addition: the codes of one ICD category (<see cref="Labels.CodeCategories"/>: "e11.65" and
    /// "e11.9" share "e11") add a shared row, learnt from all of them and starting at zero, to their own attention query
    /// (U) and output weights (W), so a code seen once or twice starts from what its siblings taught. Absent from older
    /// model files, which were trained without it.
    /// </summary>
    public bool CategorySharing { get; init; }

    /// <summary>
    /// Note-start token: the classifier reads &lt;bos&gt; before every note, as the language model saw before every note.
    /// Model files of schema 1 were trained without it and are read with it off.
    /// </summary>
    public bool NoteStartToken { get; init; } = true;

    /// <summary>
    /// Ablation "truncated": attention (A, S, P) covers only the last this-many tokens of a note while the LSTM still
    /// reads it whole, as the authors' code attends over the last 2,880 tokens; <c>null</c> = the whole note.
    /// </summary>
    public int? AttentionWindow { get; init; }

    /// <summary>
    /// Refit on every coded training note: when validation is split off the training notes, the selection pass picks the
    /// epoch and the threshold on it as always, then a fresh classifier trains on all the notes, the validation part too,
    /// for that many epochs of the same schedule, and ships (with priors over all the notes and the selection pass's
    /// thresholds). Costs a second classifier pass; does nothing when validation notes are given separately. On by
    /// default: on CodiEsp it added 0.010 dev MAP with and without inattention (450 -> 500 notes).
    /// </summary>
    public bool Refit { get; init; } = true;

    /// <summary>
    /// Which codes the model ranks (<see cref="LabelSpaces.LabelSpace"/>): "train" (the training codes), "categories"
    /// (also every code of the descriptions table in a category of the training codes), "categories-no-7th" (the same
    /// without 7-character codes) or a file of codes. Codes no training note carries are added after training, scored
    /// from their descriptions and ICD families (<see cref="LabelSpaces.LabelSpaceExtender"/>); the training codes keep
    /// what they learnt.
    /// </summary>
    public string LabelSpace { get; init; } = LabelSpaces.LabelSpace.Train;

    /// <summary>
    /// The bias of a code added by <see cref="LabelSpace"/>, in logits, relative to the mean bias of the trained codes
    /// seen least often; <c>null</c> = <see cref="DefaultUnseenCodeOffset"/>.
    /// </summary>
    public double? UnseenCodeOffset { get; init; }

    /// <summary>
    /// The default of <see cref="UnseenCodeOffset"/>: on 5-fold cross-validation of CodiEsp train with
    /// categories-no-7th, -3 cost the trained codes 0.013 MAP for R@15 0.035 on never-seen codes; -1 (the default before)
    /// cost 0.067 MAP for 0.047 (docs/experiments.md).
    /// </summary>
    public const double DefaultUnseenCodeOffset = -3.0;

    /// <summary>
    /// Rare codes borrow: every code's MI tokens also count its description as one pseudo-note (weight 3) and, with a
    /// family weight above 0, its ICD category's other notes as fractional notes, shrinking with the code's own count; see
    /// <see cref="Priors.PriorComputation"/>. Off: only codes without notes borrow. On by default since 2026-12-07,
    /// chosen by 5-fold cross-validation on CodiEsp train (see docs/experiments.md); needs a descriptions table to matter.
    /// </summary>
    public bool BorrowForSeenCodes { get; init; } = true;

    /// <summary>Borrowing's weight of a family note; <c>null</c> = <see cref="Priors.PriorOptions.FamilyWeight"/>'s default.</summary>
    public double? FamilyWeight { get; init; }

    /// <summary>Borrowing's weight of the description pseudo-note; <c>null</c> = <see cref="Priors.PriorOptions.DescriptionWeight"/>'s default.</summary>
    public double? DescriptionWeight { get; init; }

    /// <summary>Borrowing's half-count k; <c>null</c> = <see cref="Priors.PriorOptions.BorrowHalfCount"/>'s default.</summary>
    public double? BorrowHalfCount { get; init; }

    /// <summary>
    /// A planted start for learned attention A: each code's attention query U (and output weights W) starts as the
    /// MI-weighted mean tied embedding of its strongest MI tokens instead of at random, so A first attends where the
    /// language model expects the code's words.
    /// </summary>
    public bool PlantedQueries { get; init; }

    /// <summary>
    /// Inattention in the paper's form (A.5): P keeps the scores strictly above the k-th and sets the others to 0 before
    /// the softmax (so they keep a weight of exp(0)); off = ours: the others get -inf (weight 0) and ties with the k-th are kept.
    /// </summary>
    public bool PaperInattention { get; init; }

    /// <summary>
    /// Our assertion term: per non-affirmed assertion category (negated, possible, historical, family; tagged by
    /// <see cref="Assertions.AssertionTagger"/>) a learnt weight, starting at 0, times the share of each code's attention
    /// A + S + P on positions of that category, added to the code's logit. Off by default (see docs/assertions.md).
    /// </summary>
    public bool AssertionTerm { get; init; }

    /// <summary>Carry the LSTM state across chunks (off = each chunk starts from zero state).</summary>
    public bool Stateful { get; init; } = true;

    /// <summary>Discriminative (per-group) learning rates (off = one rate for all).</summary>
    public bool DiscriminativeLearningRates { get; init; } = true;

    /// <summary>
    /// The paper's gradual unfreezing: the decoder groups train alone in the first epoch and one more encoder group opens
    /// each epoch, from the last LSTM layer back to the embedding. Off by default (every group trains from the first
    /// epoch): on CodiEsp, with the same language model, training everything from the start led on validation MAP on
    /// 3 of 3 seeds (0.486 / 0.452 / 0.469 against 0.483 / 0.446 / 0.462).
    /// </summary>
    public bool GradualUnfreezing { get; init; }

    /// <summary>
    /// The relevance measure of the priors: the MI gain (default; on CodiEsp it ranks better) or the normalised form the
    /// authors' code uses.
    /// </summary>
    public Priors.RelevanceMeasure RelevanceMeasure { get; init; } = Priors.RelevanceMeasure.Gain;

    /// <summary>Inattention k (tokens per code kept for P); <c>null</c> = the preset's (30).</summary>
    public int? InattentionK { get; init; }

    /// <summary>Tokens per code in S; <c>null</c> = the preset's (5, as the authors).</summary>
    public int? StaticTopTokens { get; init; }

    /// <summary>Training: the last this-many tokens of a note get gradients; <c>null</c> = the preset's (1,440).</summary>
    public int? GradientWindow { get; init; }

    /// <summary>Ranker scorer (dot, or the paper's feed-forward); <c>null</c> = the preset's (dot).</summary>
    public Ranking.RankerKind? Ranker { get; init; }

    /// <summary>Embedding (and ranker) width; <c>null</c> = the preset's.</summary>
    public int? EmbeddingSize { get; init; }

    /// <summary>LSTM hidden width; <c>null</c> = the preset's.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>LSTM layers; <c>null</c> = the preset's.</summary>
    public int? Layers { get; init; }

    /// <summary>Initial weight of the static-mass term at the mean MI mass; <c>null</c> = 8 (see <see cref="ClassifierOptions.StaticTermInit"/>).</summary>
    public double? StaticTermInit { get; init; }

    /// <summary>The static-mass term's rate relative to the decoder's; <c>null</c> = 10.</summary>
    public double? StaticTermRateFactor { get; init; }

    /// <summary>Seed for weights, dropout and data order.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>LAAT-only ablation: no S, no P.</summary>
    public static TrainingOptions LaatOnly { get; } = new() { StaticAttention = false, PlantedAttention = false };
}
