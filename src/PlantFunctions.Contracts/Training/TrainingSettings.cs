namespace PlantFunctions.Contracts.Training;

/// <summary>
/// Settings the preset fixes unless given, as <c>plant train</c>'s options; a setting left out keeps the preset's (the
/// defaults below are the cpu and paper presets'; the tiny preset, for tests, has smaller ones).
/// </summary>
/// <param name="RelevanceMeasure">Relevance measure of the priors: "Gain" (the default) or "Normalized".</param>
/// <param name="LearningRate">Peak learning rate of the classifier's decoder (default 3e-3).</param>
/// <param name="InattentionK">Tokens per code kept for P; turns inattention on unless the ablations turn it off, which is refused as a contradiction.</param>
/// <param name="StaticTopTokens">Tokens per code in S (default 5).</param>
/// <param name="GradientWindow">Only a note's last this-many tokens get gradients (default 1,440).</param>
/// <param name="Ranker">Ranker scorer: "Dot" (the default) or "FeedForward" (the paper's).</param>
/// <param name="EmbeddingSize">Embedding (and ranker) width.</param>
/// <param name="HiddenSize">LSTM hidden width.</param>
/// <param name="Layers">LSTM layers.</param>
/// <param name="StaticTermInit">Initial static-mass weight in logits at the mean MI mass (default 8).</param>
/// <param name="StaticTermRateFactor">The static-mass term's learning rate relative to the decoder's (default 10).</param>
/// <param name="LabelSpace">Codes the model ranks: "train", "categories", "categories-no-7th" or "billable" (these three need the request's labelSet, a descriptions table).</param>
/// <param name="UnseenCodeOffset">Bias of a code the label space adds, relative to the trained codes seen least often.</param>
/// <param name="FamilyWeight">Borrowing: weight of a note of the code's ICD family.</param>
/// <param name="DescriptionWeight">Borrowing: weight of the code's description as a pseudo-note.</param>
/// <param name="BorrowHalfCount">Borrowing: the count at which a code borrows half as much from its family.</param>
public sealed record TrainingSettings(
    string? RelevanceMeasure = null,
    double? LearningRate = null,
    int? InattentionK = null,
    int? StaticTopTokens = null,
    int? GradientWindow = null,
    string? Ranker = null,
    int? EmbeddingSize = null,
    int? HiddenSize = null,
    int? Layers = null,
    double? StaticTermInit = null,
    double? StaticTermRateFactor = null,
    string? LabelSpace = null,
    double? UnseenCodeOffset = null,
    double? FamilyWeight = null,
    double? DescriptionWeight = null,
    double? BorrowHalfCount = null);
