using System.Text.Json;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Pipeline.Training;
using ModelTrainingOptions = PlantFunctions.Model.Training.TrainingOptions;

namespace PlantFunctions.Pipeline.Tests.Training;

/// <summary>A training job's request body, as JSON on the wire, becomes the model layer's options; bad values name their field.</summary>
public sealed class TrainingRequestOptionsTests
{
    [Fact]
    public void ToModel_RequestWithoutOptions_IsTheTrainersDefaults() =>
        Assert.Equal(new ModelTrainingOptions(), TrainingRequestOptions.ToModel(new TrainingJobRequest("notes/")));

    [Fact]
    public void ToModel_EverySettingInTheJsonBody_ReachesTheModelOptions()
    {
        const string body = """
            {"trainingData": "notes/", "preset": "tiny", "seed": 7, "refit": false,
             "epochs": {"languageModel": 0, "ranker": 3, "classifier": 5},
             "ablations": {"staticAttention": false, "plantedAttention": false, "stateful": false, "discriminativeLearningRates": false,
                           "gradualUnfreezing": true, "staticMassTerm": false, "staticPerNote": false, "categorySharing": true,
                           "noteStartToken": false, "attentionWindow": 2880},
             "settings": {"relevanceMeasure": "normalized", "learningRate": 0.001, "inattentionK": 12, "staticTopTokens": 7,
                          "gradientWindow": 720, "ranker": "FeedForward", "embeddingSize": 64, "hiddenSize": 96, "layers": 2,
                          "staticTermInit": 4, "staticTermRateFactor": 2}}
            """;
        var request = JsonSerializer.Deserialize<TrainingJobRequest>(body, PlantJson.Options)!;

        var options = TrainingRequestOptions.ToModel(request);

        Assert.Equal(new ModelTrainingOptions
        {
            Preset = "tiny", Seed = 7, Refit = false, LanguageModelEpochs = 0, RankerEpochs = 3, ClassifierEpochs = 5,
            StaticAttention = false, PlantedAttention = false, Stateful = false, DiscriminativeLearningRates = false,
            GradualUnfreezing = true, StaticMassTerm = false, StaticPerNote = false, CategorySharing = true, NoteStartToken = false,
            AttentionWindow = 2880, RelevanceMeasure = RelevanceMeasure.Normalized, ClassifierLearningRate = 0.001,
            Inattention = true, InattentionK = 12, StaticTopTokens = 7, GradientWindow = 720, Ranker = RankerKind.FeedForward,
            EmbeddingSize = 64, HiddenSize = 96, Layers = 2, StaticTermInit = 4, StaticTermRateFactor = 2,
        }, options);
    }

    [Fact]
    public void ToModel_LabelSpaceAndBorrowingSettings_ReachTheModelOptions()
    {
        const string body = """
            {"trainingData": "notes/", "labelSet": "icd10cm_codes.tsv.gz",
             "ablations": {"borrowForSeenCodes": true, "plantedQueries": true, "inattention": true, "paperInattention": true},
             "settings": {"labelSpace": "categories-no-7th", "unseenCodeOffset": -2.5, "familyWeight": 0.1, "descriptionWeight": 2, "borrowHalfCount": 4}}
            """;
        var request = JsonSerializer.Deserialize<TrainingJobRequest>(body, PlantJson.Options)!;

        var options = TrainingRequestOptions.ToModel(request);

        Assert.Equal(new ModelTrainingOptions
        {
            LabelSpace = "categories-no-7th", UnseenCodeOffset = -2.5, FamilyWeight = 0.1, DescriptionWeight = 2, BorrowHalfCount = 4,
            BorrowForSeenCodes = true, PlantedQueries = true, Inattention = true, PaperInattention = true,
        }, options);
    }

    [Theory]
    [InlineData("""{"settings": {"labelSpace": "everything"}}""", "settings.labelSpace 'everything' is not one of train, categories, categories-no-7th")]
    [InlineData("""{"settings": {"labelSpace": "categories"}}""", "settings.labelSpace 'categories' takes its codes from a descriptions table: give labelSet")]
    [InlineData("""{"labelSet": "t.tsv", "ablations": {"categorySharing": true}, "settings": {"labelSpace": "categories"}}""", "settings.labelSpace 'categories' does not work with ablations.categorySharing")]
    [InlineData("""{"settings": {"descriptionWeight": -1}}""", "settings.descriptionWeight must be between 0 and 100")]
    [InlineData("""{"ablations": {"paperInattention": true}}""", "ablations.paperInattention is a form of inattention")]
    [InlineData("""{"settings": {"layers": 0}}""", "settings.layers must be between 1 and 8, not 0")]
    [InlineData("""{"settings": {"hiddenSize": 100000}}""", "settings.hiddenSize must be between 1 and 8,192")]
    [InlineData("""{"ablations": {"attentionWindow": -5}}""", "ablations.attentionWindow must be between 1")]
    [InlineData("""{"settings": {"learningRate": 0}}""", "settings.learningRate must be above 0")]
    [InlineData("""{"settings": {"staticTermRateFactor": -1}}""", "settings.staticTermRateFactor must be 0 or more")]
    [InlineData("""{"settings": {"ranker": "lstm"}}""", "settings.ranker 'lstm' is not one of Dot, FeedForward")]
    [InlineData("""{"settings": {"relevanceMeasure": "1"}}""", "settings.relevanceMeasure '1' is not one of Gain, Normalized")]
    [InlineData("""{"ablations": {"inattention": false}, "settings": {"inattentionK": 30}}""", "settings.inattentionK turns inattention on")]
    public void Problem_BadValue_NamesTheFieldAndTheProblem(string json, string expected)
    {
        var request = JsonSerializer.Deserialize<TrainingJobRequest>(json, PlantJson.Options)! with { TrainingData = "notes/" };

        Assert.StartsWith(expected, TrainingRequestOptions.Problem(request), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TrainingRequestOptions.ToModel(request));
    }

    [Fact]
    public void ToModel_InattentionKWithoutTheSwitch_TurnsInattentionOnAsTheCliDoes()
    {
        var request = new TrainingJobRequest("notes/", Settings: new TrainingSettings(InattentionK: 20));

        Assert.True(TrainingRequestOptions.ToModel(request).Inattention);
        Assert.Null(TrainingRequestOptions.Problem(request));
    }
}
