namespace PlantFunctions.Contracts.Training;

/// <summary>A request to train a model version from coded notes in the training container.</summary>
/// <param name="TrainingData">Prefix of the coded training note files (JSON Lines or CSV with codes) in the training container.</param>
/// <param name="ValidationData">Prefix of validation notes; split off the training notes when absent.</param>
/// <param name="UnlabelledData">Prefix of extra notes for language-model fine-tuning.</param>
/// <param name="LabelSet">Code description table in the training container: code TAB description TSV (ICD-10-CM, ICD-9-CM, CodiEsp's aliases) or the ICD-10-CM categories CSV, plain or .gz; codes are described by their own entries.</param>
/// <param name="Preset">Size preset: tiny, cpu or paper. Default cpu.</param>
/// <param name="Epochs">Epochs per stage.</param>
/// <param name="Ablations">Ablation switches and design options.</param>
/// <param name="Seed">Seed. Default 42.</param>
/// <param name="ModelName">Name to register under; <c>Plant:ModelName</c> when absent.</param>
/// <param name="JobId">Id to use (idempotent); generated when absent.</param>
/// <param name="Activate">Make the new version the active one (the first version of a name always becomes active).</param>
/// <param name="Refit">
/// After the validation split off the training notes has picked the epoch, train again on all of them for that many
/// epochs and register that model (no effect when <paramref name="ValidationData"/> is given). Default: the trainer's.
/// </param>
/// <param name="Settings">Sizes, learning rate and the other settings the preset fixes unless given.</param>
public sealed record TrainingJobRequest(
    string? TrainingData,
    string? ValidationData = null,
    string? UnlabelledData = null,
    string? LabelSet = null,
    string? Preset = null,
    TrainingEpochs? Epochs = null,
    TrainingAblations? Ablations = null,
    int? Seed = null,
    string? ModelName = null,
    string? JobId = null,
    bool? Activate = null,
    bool? Refit = null,
    TrainingSettings? Settings = null);
