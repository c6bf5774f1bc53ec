namespace PlantFunctions.Contracts.Training;

/// <summary>The paper's ablation switches; a switch left out keeps the trainer's default (on, except inattention and gradual unfreezing).</summary>
/// <param name="StaticAttention">Static planted attention S (mutual information).</param>
/// <param name="PlantedAttention">Differentiable planted attention P (ranker).</param>
/// <param name="Inattention">Top-k inattention before the softmax (off by default: it lost on CodiEsp's short notes).</param>
/// <param name="Stateful">LSTM state carried across chunks.</param>
/// <param name="DiscriminativeLearningRates">Per-group learning rates.</param>
/// <param name="GradualUnfreezing">The paper's gradual unfreezing, one group more per epoch (off by default: training every group from the first epoch led on CodiEsp validation).</param>
public sealed record TrainingAblations(
    bool? StaticAttention = null,
    bool? PlantedAttention = null,
    bool? Inattention = null,
    bool? Stateful = null,
    bool? DiscriminativeLearningRates = null,
    bool? GradualUnfreezing = null);
