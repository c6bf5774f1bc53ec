using System.Globalization;
using PlantFunctions.Contracts.Training;
using PlantFunctions.Model.LabelSpaces;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using ModelTrainingOptions = PlantFunctions.Model.Training.TrainingOptions;

namespace PlantFunctions.Pipeline.Training;

/// <summary>
/// A training-job request's epochs, ablations and settings as the model layer's <see cref="ModelTrainingOptions"/>:
/// checked when the job starts (a bad value is a 400 naming the field), mapped when its activities load the request.
/// What the request leaves out keeps the trainer's default.
/// </summary>
public static class TrainingRequestOptions
{
    /// <summary>The first problem with the request's ablations and settings, naming the field; <c>null</c> when there is none.</summary>
    public static string? Problem(TrainingJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ablations = request.Ablations ?? new TrainingAblations();
        var settings = request.Settings ?? new TrainingSettings();
        (string Name, int? Value, int Max)[] counts =
        [
            ("ablations.attentionWindow", ablations.AttentionWindow, 10_000_000),
            ("settings.inattentionK", settings.InattentionK, 100_000),
            ("settings.staticTopTokens", settings.StaticTopTokens, 1_000),
            ("settings.gradientWindow", settings.GradientWindow, 10_000_000),
            ("settings.embeddingSize", settings.EmbeddingSize, 4_096),
            ("settings.hiddenSize", settings.HiddenSize, 8_192),
            ("settings.layers", settings.Layers, 8),
        ];
        foreach (var (name, value, max) in counts)
        {
            if (value is < 1 || value > max)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name} must be between 1 and {max:N0}, not {value}");
            }
        }

        if (settings.LearningRate is { } rate && !(rate > 0 && rate <= 1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"settings.learningRate must be above 0 and at most 1, not {rate}");
        }

        if (settings.StaticTermInit is { } init && !(init >= 0 && init <= 1e6))
        {
            return string.Create(CultureInfo.InvariantCulture, $"settings.staticTermInit must be between 0 and 1,000,000, not {init}");
        }

        if (settings.StaticTermRateFactor is { } factor && !(double.IsFinite(factor) && factor >= 0))
        {
            return string.Create(CultureInfo.InvariantCulture, $"settings.staticTermRateFactor must be 0 or more, not {factor}");
        }

        if (ablations.Inattention == false && settings.InattentionK is not null)
        {
            return "settings.inattentionK turns inattention on, which ablations.inattention false turns off: give one";
        }

        if (ablations.PaperInattention == true && ablations.Inattention != true && settings.InattentionK is null)
        {
            return "ablations.paperInattention is a form of inattention: give ablations.inattention true or settings.inattentionK with it";
        }

        foreach (var (name, value, min) in new[] { ("settings.familyWeight", settings.FamilyWeight, 0.0), ("settings.descriptionWeight", settings.DescriptionWeight, 0.0),
                     ("settings.borrowHalfCount", settings.BorrowHalfCount, 0.001), ("settings.unseenCodeOffset", settings.UnseenCodeOffset, -100.0) })
        {
            if (value is { } v && !(double.IsFinite(v) && v >= min && v <= 100))
            {
                return string.Create(CultureInfo.InvariantCulture, $"settings.{name["settings.".Length..]} must be between {min} and 100, not {v}");
            }
        }

        if (settings.LabelSpace is { } space)
        {
            if (space is not (LabelSpace.Train or LabelSpace.Categories or LabelSpace.CategoriesNo7th or LabelSpace.Billable))
            {
                return $"settings.labelSpace '{space}' is not one of {LabelSpace.Train}, {LabelSpace.Categories}, {LabelSpace.CategoriesNo7th}, {LabelSpace.Billable}";
            }

            if (space != LabelSpace.Train && request.LabelSet is null)
            {
                return $"settings.labelSpace '{space}' takes its codes from a descriptions table: give labelSet";
            }

            if (space != LabelSpace.Train && ablations.CategorySharing == true)
            {
                return $"settings.labelSpace '{space}' does not work with ablations.categorySharing: give one";
            }
        }

        return Named<RelevanceMeasure>("settings.relevanceMeasure", settings.RelevanceMeasure, out _)
               ?? Named<RankerKind>("settings.ranker", settings.Ranker, out _);
    }

    /// <summary>The model layer's options for a request that <see cref="Problem"/> accepted.</summary>
    /// <exception cref="ArgumentException">The request has a problem.</exception>
    public static ModelTrainingOptions ToModel(TrainingJobRequest request)
    {
        if (Problem(request) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var defaults = new ModelTrainingOptions();
        var ablations = request.Ablations ?? new TrainingAblations();
        var settings = request.Settings ?? new TrainingSettings();
        Named("settings.relevanceMeasure", settings.RelevanceMeasure, out RelevanceMeasure? measure);
        Named("settings.ranker", settings.Ranker, out RankerKind? ranker);
        return new ModelTrainingOptions
        {
            Preset = request.Preset ?? defaults.Preset,
            LanguageModelEpochs = request.Epochs?.LanguageModel ?? defaults.LanguageModelEpochs,
            RankerEpochs = request.Epochs?.Ranker ?? defaults.RankerEpochs,
            ClassifierEpochs = request.Epochs?.Classifier ?? defaults.ClassifierEpochs,
            StaticAttention = ablations.StaticAttention ?? defaults.StaticAttention,
            PlantedAttention = ablations.PlantedAttention ?? defaults.PlantedAttention,
            Inattention = ablations.Inattention ?? (settings.InattentionK is not null || defaults.Inattention),
            Stateful = ablations.Stateful ?? defaults.Stateful,
            DiscriminativeLearningRates = ablations.DiscriminativeLearningRates ?? defaults.DiscriminativeLearningRates,
            GradualUnfreezing = ablations.GradualUnfreezing ?? defaults.GradualUnfreezing,
            StaticMassTerm = ablations.StaticMassTerm ?? defaults.StaticMassTerm,
            StaticPerNote = ablations.StaticPerNote ?? defaults.StaticPerNote,
            CategorySharing = ablations.CategorySharing ?? defaults.CategorySharing,
            NoteStartToken = ablations.NoteStartToken ?? defaults.NoteStartToken,
            AttentionWindow = ablations.AttentionWindow,
            RelevanceMeasure = measure ?? defaults.RelevanceMeasure,
            ClassifierLearningRate = settings.LearningRate,
            InattentionK = settings.InattentionK,
            StaticTopTokens = settings.StaticTopTokens,
            GradientWindow = settings.GradientWindow,
            Ranker = ranker,
            EmbeddingSize = settings.EmbeddingSize,
            HiddenSize = settings.HiddenSize,
            Layers = settings.Layers,
            StaticTermInit = settings.StaticTermInit,
            StaticTermRateFactor = settings.StaticTermRateFactor,
            LabelSpace = settings.LabelSpace ?? defaults.LabelSpace,
            UnseenCodeOffset = settings.UnseenCodeOffset,
            FamilyWeight = settings.FamilyWeight,
            DescriptionWeight = settings.DescriptionWeight,
            BorrowHalfCount = settings.BorrowHalfCount,
            BorrowForSeenCodes = ablations.BorrowForSeenCodes ?? defaults.BorrowForSeenCodes,
            PlantedQueries = ablations.PlantedQueries ?? defaults.PlantedQueries,
            PaperInattention = ablations.PaperInattention ?? defaults.PaperInattention,
            AssertionTerm = ablations.AssertionTerm ?? defaults.AssertionTerm,
            Seed = request.Seed ?? defaults.Seed,
            Refit = request.Refit ?? defaults.Refit,
        };
    }

    /// <summary>Reads an enum by its name, any case (not by number); the problem, naming the field and the names, when it is none of them.</summary>
    private static string? Named<T>(string field, string? text, out T? value)
        where T : struct, Enum
    {
        value = null;
        if (text is null)
        {
            return null;
        }

        string? name = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return $"{field} '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}";
        }

        value = Enum.Parse<T>(name);
        return null;
    }
}
