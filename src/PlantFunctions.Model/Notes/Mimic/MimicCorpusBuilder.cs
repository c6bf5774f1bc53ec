using System.Globalization;
using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>Joins the notes and codes read from MIMIC tables into one <see cref="ClinicalNote"/> per admission and split.</summary>
internal static class MimicCorpusBuilder
{
    /// <summary>What goes between a report and its addenda in a joined note.</summary>
    internal const string PartSeparator = "\n\n";

    internal static MimicCorpus Build(
        string dataset, string notesPath, SplitAssignment assignment, IEnumerable<MimicSplit> splits,
        Dictionary<long, List<NotePart>> parts, Comparison<NotePart> order, bool dropRepeatedText,
        Dictionary<long, List<string>> codes, IReadOnlyList<string>? labels, IcdDescriptions? descriptions, NoteReaderOptions options)
    {
        var keep = labels is null ? null : new HashSet<string>(labels, StringComparer.Ordinal);
        var notes = new Dictionary<MimicSplit, IReadOnlyList<ClinicalNote>>();
        var missing = new Dictionary<MimicSplit, IReadOnlyList<string>>();
        foreach (var split in splits.Distinct())
        {
            var splitNotes = new List<ClinicalNote>();
            var splitMissing = new List<string>();
            foreach (long admission in assignment.Of(split))
            {
                var admissionCodes = codes.GetValueOrDefault(admission) ?? [];
                var note = parts.TryGetValue(admission, out var rows)
                    ? ToNote(dataset, notesPath, admission, rows, order, dropRepeatedText, keep is null ? admissionCodes : [.. admissionCodes.Where(keep.Contains)], options)
                    : null;
                if (note is null)
                {
                    splitMissing.Add(admission.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    splitNotes.Add(note);
                }
            }

            notes[split] = splitNotes;
            missing[split] = splitMissing;
        }

        return new MimicCorpus(notes, missing, labels, descriptions);
    }

    private static ClinicalNote? ToNote(
        string dataset, string notesPath, long admission, List<NotePart> rows, Comparison<NotePart> order, bool dropRepeatedText,
        IReadOnlyList<string> codes, NoteReaderOptions options)
    {
        rows.Sort(order);
        var texts = rows.Where(r => !string.IsNullOrWhiteSpace(r.Text)).ToList();
        if (dropRepeatedText)
        {
            texts = [.. texts.DistinctBy(r => r.Text, StringComparer.Ordinal)];
        }

        if (texts.Count == 0)
        {
            return null;
        }

        string id = admission.ToString(CultureInfo.InvariantCulture);
        string text = string.Join(PartSeparator, texts.Select(r => r.Text));
        if (NoteChecks.Problem(id, text, options) is { } problem)
        {
            throw MimicTable.Error(notesPath, texts[0].Line, $"admission {id}: {problem}");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dataset"] = dataset,
            ["subject_id"] = texts[0].Subject,
            ["note_ids"] = string.Join(';', texts.Select(r => r.Id)),
        };
        return new ClinicalNote(id, text, codes, metadata);
    }
}
