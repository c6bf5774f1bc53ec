using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// K-fold cross-validation splits of coded notes: the notes in id order, shuffled by a seed, dealt into k folds of
/// sizes differing by at most one. The held-out folds are disjoint and together hold every note once; each fold's
/// training part is every other note.
/// </summary>
public static class CrossValidationFolds
{
    /// <summary>The k (training, held-out) pairs, in fold order.</summary>
    public static IReadOnlyList<(IReadOnlyList<ClinicalNote> Train, IReadOnlyList<ClinicalNote> HeldOut)> Split(IReadOnlyList<ClinicalNote> notes, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(notes);
        if (folds < 2 || folds > notes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"cross-validation needs 2 to {notes.Count} folds (one note at least per fold)");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var note in notes)
        {
            if (!ids.Add(note.Id))
            {
                throw new ArgumentException($"note id '{note.Id}' appears twice: folds would not be disjoint", nameof(notes));
            }
        }

        var random = new Random(seed);
        var shuffled = notes.OrderBy(n => n.Id, StringComparer.Ordinal).Select(n => (Note: n, Key: random.Next())).OrderBy(p => p.Key).Select(p => p.Note).ToList();
        var foldOf = new int[shuffled.Count];
        for (int i = 0; i < shuffled.Count; i++)
        {
            foldOf[i] = i % folds;
        }

        return [.. Enumerable.Range(0, folds).Select(f => (
            (IReadOnlyList<ClinicalNote>)[.. shuffled.Where((_, i) => foldOf[i] != f).OrderBy(n => n.Id, StringComparer.Ordinal)],
            (IReadOnlyList<ClinicalNote>)[.. shuffled.Where((_, i) => foldOf[i] == f).OrderBy(n => n.Id, StringComparer.Ordinal)]))];
    }
}
