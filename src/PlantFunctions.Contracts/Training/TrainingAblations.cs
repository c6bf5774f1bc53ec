namespace PlantFunctions.Contracts.Training;

/// <summary>
/// The paper's ablation switches and our own design options, as <c>plant train</c>'s flags; a switch left out keeps the
/// trainer's default (on, except inattention, gradual unfreezing and category sharing; no attention window).
/// </summary>
/// <param name="StaticAttention">Static planted attention S (mutual information).</param>
/// <param name="PlantedAttention">Differentiable planted attention P (ranker).</param>
/// <param name="Inattention">Top-k inattention before the softmax (off by default: it lost on CodiEsp's short notes).</param>
/// <param name="Stateful">LSTM state carried across chunks.</param>
/// <param name="DiscriminativeLearningRates">Per-group learning rates.</param>
/// <param name="GradualUnfreezing">The paper's gradual unfreezing, one group more per epoch (off by default: training every group from the first epoch led on CodiEsp validation).</param>
/// <param name="StaticMassTerm">Our static-mass logit term (off: the paper's eq. 8 exactly).</param>
/// <param name="StaticPerNote">S from the note's own strongest tokens among each code's stored MI tokens (off: each code's globally strongest tokens).</param>
/// <param name="CategorySharing">Codes of one ICD category share a learnt row of the attention query and output weights.</param>
/// <param name="NoteStartToken">The classifier reads &lt;bos&gt; before every note, as the language model did.</param>
/// <param name="AttentionWindow">The "truncated" ablation: attend over only a note's last this-many tokens (the authors': 2,880).</param>
/// <param name="BorrowForSeenCodes">Rare codes borrow MI counts from their ICD family and description (codes without notes always do).</param>
/// <param name="PlantedQueries">Each code's attention query and output weights start from its MI tokens' tied embeddings.</param>
/// <param name="PaperInattention">Inattention in the paper's form (scores up to the k-th set to 0, not dropped); needs inattention on.</param>
/// <param name="AssertionTerm">Each code's logit gets learnt weights times the share of its attention on negated, possible, historical and family mentions (off by default).</param>
public sealed record TrainingAblations(
    bool? StaticAttention = null,
    bool? PlantedAttention = null,
    bool? Inattention = null,
    bool? Stateful = null,
    bool? DiscriminativeLearningRates = null,
    bool? GradualUnfreezing = null,
    bool? StaticMassTerm = null,
    bool? StaticPerNote = null,
    bool? CategorySharing = null,
    bool? NoteStartToken = null,
    int? AttentionWindow = null,
    bool? BorrowForSeenCodes = null,
    bool? PlantedQueries = null,
    bool? PaperInattention = null,
    bool? AssertionTerm = null);
