namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>
/// Reads MIMIC-IV v2.2 with MIMIC-IV-Note as Edin et al. prepare it: <c>note/discharge.csv(.gz)</c>,
/// <c>hosp/diagnoses_icd.csv(.gz)</c> and <c>hosp/procedures_icd.csv(.gz)</c>, with their split table exported to CSV
/// (an id column <c>_id</c> or <c>hadm_id</c> and a <c>split</c> column: train, val, test). One note per admission: its
/// discharge notes in note_seq, then charttime order, a text repeated within the admission kept once, joined by a blank
/// line. Codes of one ICD version: diagnoses then procedures, each in seq_num order, dotted (<see cref="IcdCodeFormat"/>);
/// codes carried by fewer than <see cref="Mimic4Options.MinCodeCount"/> admissions of the split table are dropped.
/// The discharge table is streamed once and only the notes of the split's admissions are kept.
/// </summary>
public static class Mimic4Importer
{
    private const string Dataset = "MIMIC-IV";

    /// <summary>Reads the given splits in one pass over the discharge notes.</summary>
    /// <param name="root">The MIMIC-IV folder holding <c>hosp/</c> (and <c>note/</c> unless <see cref="Mimic4Options.NotesFolder"/> is set).</param>
    /// <param name="splitFile">The split table as CSV.</param>
    /// <param name="splits">The splits to return.</param>
    /// <param name="options">ICD version, code frequency cut-off, notes folder and limits.</param>
    public static MimicCorpus Read(string root, string splitFile, IReadOnlyCollection<MimicSplit> splits, Mimic4Options? options = null)
    {
        options ??= new Mimic4Options();
        if (options.IcdVersion is not (9 or 10))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IcdVersion, "the ICD version must be 9 or 10");
        }

        long maxRecordBytes = NoteChecks.MaxRecordBytes(options.Notes);
        string hosp = Path.Combine(root, "hosp");
        string notesPath = MimicTable.Find(options.NotesFolder ?? Path.Combine(root, "note"), "discharge", Dataset);
        string diagnosesPath = MimicTable.Find(hosp, "diagnoses_icd", Dataset);
        string proceduresPath = MimicTable.Find(hosp, "procedures_icd", Dataset);
        var assignment = MimicSplitFiles.ReadSplitTable(splitFile, maxRecordBytes);

        // Code frequencies are counted over every admission of the split table, so all their codes are read.
        var admissions = new HashSet<long>(assignment.All);
        var codes = new Dictionary<long, List<string>>();
        string[] codeColumns = ["hadm_id", "icd_code", "seq_num", "icd_version"];
        MimicCodeTables.Add(diagnosesPath, codeColumns, options.IcdVersion, IcdCodeFormat.For(options.IcdVersion, diagnoses: true), admissions, codes, maxRecordBytes);
        MimicCodeTables.Add(proceduresPath, codeColumns, options.IcdVersion, IcdCodeFormat.For(options.IcdVersion, diagnoses: false), admissions, codes, maxRecordBytes);
        IReadOnlyList<string>? labels = null;
        if (options.MinCodeCount > 1)
        {
            labels = [.. MimicCodeTables.AdmissionCounts(codes.Values)
                .Where(c => c.Value >= options.MinCodeCount).Select(c => c.Key).Order(StringComparer.Ordinal)];
        }

        var wanted = new HashSet<long>(splits.SelectMany(assignment.Of));
        var parts = ReadDischargeNotes(notesPath, wanted, maxRecordBytes);
        var descriptions = MimicDescriptions.Read(hosp, "d_icd_diagnoses", "d_icd_procedures", options.IcdVersion, maxRecordBytes);
        return MimicCorpusBuilder.Build(Dataset, notesPath, assignment, splits, parts, SequenceOrder, dropRepeatedText: true,
            codes, labels, descriptions, options.Notes);
    }

    private static int SequenceOrder(NotePart a, NotePart b)
    {
        int bySequence = a.Sequence.CompareTo(b.Sequence);
        if (bySequence != 0)
        {
            return bySequence;
        }

        int byTime = string.CompareOrdinal(a.Date, b.Date);
        return byTime != 0 ? byTime : a.Line.CompareTo(b.Line);
    }

    private static Dictionary<long, List<NotePart>> ReadDischargeNotes(string path, HashSet<long> admissions, long maxRecordBytes)
    {
        const int Admission = 0, Text = 1, NoteId = 2, Sequence = 3, ChartTime = 4, Subject = 5;
        var parts = new Dictionary<long, List<NotePart>>();
        foreach (var row in MimicTable.Read(path, ["hadm_id", "text"], ["note_id", "note_seq", "charttime", "subject_id"], maxRecordBytes))
        {
            if (row.IsBlank(Admission))
            {
                continue;
            }

            if (!row.IsWantedAdmission(Admission, admissions, out long admission))
            {
                continue;
            }

            long sequence = row.OrderNumber(Sequence);
            var part = new NotePart(row.Value(NoteId), row.Raw(Text)!, row.Value(ChartTime), sequence, row.Line, row.Value(Subject));
            (parts.TryGetValue(admission, out var list) ? list : parts[admission] = []).Add(part);
        }

        return parts;
    }
}
