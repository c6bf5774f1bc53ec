using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Training;

/// <summary>
/// The deterministic preparation every stage starts from: the validation split, the vocabulary and the label set, the
/// last two loaded from the checkpoint when it holds them, so that every stage and every resume sees the same ones.
/// </summary>
/// <param name="Train">Notes the classifier trains on.</param>
/// <param name="Validation">Notes it validates on (early stopping, threshold).</param>
/// <param name="Coded">All coded training notes: both parts when validation was split off the training notes.</param>
/// <param name="Vocabulary">The run's vocabulary.</param>
/// <param name="Labels">The run's label set.</param>
internal sealed record TrainingData(
    IReadOnlyList<ClinicalNote> Train,
    IReadOnlyList<ClinicalNote> Validation,
    IReadOnlyList<ClinicalNote> Coded,
    Vocabulary Vocabulary,
    LabelSet Labels)
{
    /// <summary>Prepares the data of <paramref name="request"/> and stores vocabulary and labels in <paramref name="checkpoint"/>.</summary>
    internal static TrainingData Prepare(TrainingRequest request, TrainingPlan plan, TrainingCheckpoint checkpoint)
    {
        // With no validation notes given, validation is split off the training notes: those notes still belong to the
        // training data, so the vocabulary and label set cover them and the final priors count them (see Finalise).
        var (train, validation, coded) = Split(request, plan.Classifier);
        var vocabulary = checkpoint.Get(TrainingCheckpointParts.Vocabulary) is { } v ? Vocabulary.Load(new MemoryStream(v))
            : Vocabulary.Build(coded.Concat(request.Validation ?? []).Concat(request.Unlabelled ?? []).Select(n => n.Text), plan.Vocabulary);
        var labels = checkpoint.Get(TrainingCheckpointParts.Labels) is { } l ? LabelSet.Load(new MemoryStream(l))
            : LabelSet.FromCodes(coded.Select(n => n.Codes ?? []), code => request.Descriptions?.Describe(code));
        checkpoint.Set(TrainingCheckpointParts.Vocabulary, vocabulary.Save);
        checkpoint.Set(TrainingCheckpointParts.Labels, labels.Save);
        return new TrainingData(train, validation, coded, vocabulary, labels);
    }

    /// <summary>Which codes and tokens occur in which training notes (the priors' and the ranker's input).</summary>
    internal PresenceCorpus Presence() => PresenceCorpus.Build(Train, Vocabulary, Labels);

    /// <summary>The codes' ICD families and description tokens, what rare codes borrow from (<see cref="PriorComputation"/>).</summary>
    internal CodeFamilies Families() => CodeFamilies.Build(Labels, Vocabulary);

    /// <summary>Notes as token and label ids (and their tokens' assertions, for the assertion term).</summary>
    internal List<EncodedNote> Encode(IEnumerable<ClinicalNote> notes, bool noteStart, bool tagAssertions) =>
        [.. notes.Select(n => EncodedNote.From(n, Vocabulary, Labels, noteStart, tagAssertions))];

    /// <summary>Training part, validation part, and all coded training notes (both parts when validation was split off).</summary>
    private static (IReadOnlyList<ClinicalNote> Train, IReadOnlyList<ClinicalNote> Validation, IReadOnlyList<ClinicalNote> Coded) Split(
        TrainingRequest request, ClassifierOptions options)
    {
        var coded = request.Train.Where(n => n.Codes is { Count: > 0 }).OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        if (coded.Count == 0)
        {
            throw new ArgumentException("training needs notes with codes; none of the training notes has any", nameof(request));
        }

        if (request.Validation is { Count: > 0 })
        {
            var validation = request.Validation.Where(n => n.Codes is { Count: > 0 }).ToList();
            return validation.Count > 0 ? (coded, validation, coded)
                : throw new ArgumentException("none of the validation notes has codes: validation needs gold codes", nameof(request));
        }

        var random = new Random(options.Seed);
        var shuffled = coded.OrderBy(_ => random.Next()).ToList();
        int count = Math.Max(1, (int)(coded.Count * options.ValidationFraction));
        return (shuffled.Skip(count).OrderBy(n => n.Id, StringComparer.Ordinal).ToList(), shuffled.Take(count).OrderBy(n => n.Id, StringComparer.Ordinal).ToList(), coded);
    }
}
