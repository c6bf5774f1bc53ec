using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;

namespace PlantFunctions.Model.Training;

/// <summary>The settings of every stage of a training run, derived from the request's options.</summary>
/// <param name="Network">Encoder and decoder sizes.</param>
/// <param name="Vocabulary">Vocabulary cut.</param>
/// <param name="LanguageModel">LM stage.</param>
/// <param name="Priors">MI stage.</param>
/// <param name="Ranker">L2R stage.</param>
/// <param name="Classifier">Classifier stage.</param>
public sealed record TrainingPlan(
    NetworkConfig Network,
    Text.VocabularyOptions Vocabulary,
    LanguageModelOptions LanguageModel,
    PriorOptions Priors,
    RankerOptions Ranker,
    ClassifierOptions Classifier)
{
    /// <summary>The plan for a request's options (preset sizes, epochs, seeds).</summary>
    public static TrainingPlan For(TrainingOptions options)
    {
        var preset = NetworkConfig.FromPreset(options.Preset);
        var network = preset with
        {
            InattentionK = options.InattentionK ?? preset.InattentionK,
            StaticTopTokens = options.StaticTopTokens ?? preset.StaticTopTokens,
            GradientWindow = options.GradientWindow ?? preset.GradientWindow,
            Ranker = options.Ranker ?? preset.Ranker,
            EmbeddingSize = options.EmbeddingSize ?? preset.EmbeddingSize,
            HiddenSize = options.HiddenSize ?? preset.HiddenSize,
            Layers = options.Layers ?? preset.Layers,
        };
        var classifier = new ClassifierOptions();
        var priors = new PriorOptions();
        return new TrainingPlan(
            network,
            new Text.VocabularyOptions { MinCount = 2, MaxSize = 60_000 },
            new LanguageModelOptions { Epochs = options.LanguageModelEpochs, Seed = options.Seed },
            priors with
            {
                StaticTopTokens = network.StaticTopTokens,
                Measure = options.RelevanceMeasure,
                BorrowForSeenCodes = options.BorrowForSeenCodes,
                FamilyWeight = options.FamilyWeight ?? priors.FamilyWeight,
                DescriptionWeight = options.DescriptionWeight ?? priors.DescriptionWeight,
                BorrowHalfCount = options.BorrowHalfCount ?? priors.BorrowHalfCount,
            },
            new RankerOptions { Epochs = options.RankerEpochs, Dimension = network.EmbeddingSize, Hidden = network.RankerHidden, Kind = network.Ranker, Seed = options.Seed },
            classifier with
            {
                Epochs = options.ClassifierEpochs,
                Seed = options.Seed,
                LearningRate = options.ClassifierLearningRate ?? classifier.LearningRate,
                StaticTermInit = options.StaticTermInit ?? classifier.StaticTermInit,
                StaticTermRateFactor = options.StaticTermRateFactor ?? classifier.StaticTermRateFactor,
            });
    }
}
