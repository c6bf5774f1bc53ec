namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>
/// Reads MIMIC-III v1.4 as Mullenbach et al. (CAML) prepare it, straight from the PhysioNet files: NOTEEVENTS,
/// DIAGNOSES_ICD and PROCEDURES_ICD (<c>.csv</c> or <c>.csv.gz</c>) in one folder, and the id lists
/// <c>{train,dev,test}_{full,50}_hadm_ids.csv</c> in another. One note per admission: every "Discharge summary" row of
/// the admission (the report and its addenda) in CHARTDATE, then ROW_ID order, joined by a blank line. Codes: ICD-9
/// diagnoses then procedures, each in SEQ_NUM order, dotted (<see cref="IcdCodeFormat"/>); a diagnosis and a procedure
/// that write the same are one label, as in CAML. NOTEEVENTS is streamed once and only the notes of the listed
/// admissions are kept; rows without HADM_ID (there are some) are skipped.
/// </summary>
public static class Mimic3Importer
{
    private const string Dataset = "MIMIC-III";
    private static readonly MimicSplit[] AllSplits = [MimicSplit.Train, MimicSplit.Dev, MimicSplit.Test];

    /// <summary>Reads the given splits in one pass over NOTEEVENTS.</summary>
    /// <param name="root">The folder holding NOTEEVENTS, DIAGNOSES_ICD and PROCEDURES_ICD (and, optionally, D_ICD_DIAGNOSES and D_ICD_PROCEDURES for descriptions).</param>
    /// <param name="splitsFolder">The folder holding the id lists.</param>
    /// <param name="splits">The splits to return.</param>
    /// <param name="options">Full or top-50, and limits.</param>
    public static MimicCorpus Read(string root, string splitsFolder, IReadOnlyCollection<MimicSplit> splits, Mimic3Options? options = null)
    {
        options ??= new Mimic3Options();
        long maxRecordBytes = NoteChecks.MaxRecordBytes(options.Notes);
        bool top50 = options.Labels == Mimic3LabelSetting.Top50;
        string notesPath = MimicTable.Find(root, "NOTEEVENTS", Dataset);
        string diagnosesPath = MimicTable.Find(root, "DIAGNOSES_ICD", Dataset);
        string proceduresPath = MimicTable.Find(root, "PROCEDURES_ICD", Dataset);
        var assignment = MimicSplitFiles.ReadIdLists(splitsFolder, top50 ? "50" : "full", splits.Distinct());

        // Top-50 codes are counted over the full data, so the codes of every admission of the full lists are needed.
        var full = top50 && options.LabelListFile is null ? MimicSplitFiles.ReadIdLists(splitsFolder, "full", AllSplits) : null;
        var admissions = new HashSet<long>(assignment.All);
        admissions.UnionWith(full?.All ?? []);
        var codes = new Dictionary<long, List<string>>();
        string[] codeColumns = ["HADM_ID", "ICD9_CODE", "SEQ_NUM"];
        MimicCodeTables.Add(diagnosesPath, codeColumns, null, IcdCodeFormat.Icd9Diagnosis, admissions, codes, maxRecordBytes);
        MimicCodeTables.Add(proceduresPath, codeColumns, null, IcdCodeFormat.Icd9Procedure, admissions, codes, maxRecordBytes);
        IReadOnlyList<string>? labels = !top50 ? null
            : options.LabelListFile is { } file ? ReadLabelList(file)
            : MostFrequent(full!.All.Select(a => codes.GetValueOrDefault(a) ?? []), 50);

        var parts = ReadDischargeSummaries(notesPath, new HashSet<long>(assignment.All), maxRecordBytes);
        var descriptions = MimicDescriptions.Read(root, "D_ICD_DIAGNOSES", "D_ICD_PROCEDURES", null, maxRecordBytes);
        return MimicCorpusBuilder.Build(Dataset, notesPath, assignment, splits, parts, ChartOrder, dropRepeatedText: false,
            codes, labels, descriptions, options.Notes);
    }

    /// <summary>The <paramref name="count"/> codes carried by the most admissions, ties to the code that sorts first.</summary>
    internal static IReadOnlyList<string> MostFrequent(IEnumerable<IEnumerable<string>> codesPerAdmission, int count) =>
        [.. MimicCodeTables.AdmissionCounts(codesPerAdmission)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(count).Select(c => c.Key)];

    private static int ChartOrder(NotePart a, NotePart b)
    {
        int byDate = string.CompareOrdinal(a.Date, b.Date);
        return byDate != 0 ? byDate : a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence) : a.Line.CompareTo(b.Line);
    }

    private static Dictionary<long, List<NotePart>> ReadDischargeSummaries(string path, HashSet<long> admissions, long maxRecordBytes)
    {
        const int Admission = 0, Category = 1, Text = 2, RowId = 3, ChartDate = 4, Subject = 5;
        var parts = new Dictionary<long, List<NotePart>>();
        foreach (var row in MimicTable.Read(path, ["HADM_ID", "CATEGORY", "TEXT", "ROW_ID", "CHARTDATE"], ["SUBJECT_ID"], maxRecordBytes))
        {
            if (!row.Value(Category).Equals("Discharge summary", StringComparison.OrdinalIgnoreCase) || row.IsBlank(Admission))
            {
                continue;
            }

            if (!row.IsWantedAdmission(Admission, admissions, out long admission))
            {
                continue;
            }

            string rowId = row.Value(RowId);
            long sequence = row.OrderNumber(RowId);
            var part = new NotePart(rowId, row.Raw(Text)!, row.Value(ChartDate), sequence, row.Line, row.Value(Subject));
            (parts.TryGetValue(admission, out var list) ? list : parts[admission] = []).Add(part);
        }

        return parts;
    }

    private static IReadOnlyList<string> ReadLabelList(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{Dataset}: the label list '{path}' does not exist", path);
        }

        var labels = File.ReadLines(path).Select(l => l.Split(',')[0].Trim().Trim('"')).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return labels.Count > 0 ? labels : throw new InvalidDataException($"{path}: the label list is empty; expected one code per line");
    }
}
