using System.Globalization;

namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>
/// Reads diagnosis and procedure tables (DIAGNOSES_ICD / PROCEDURES_ICD and MIMIC-IV's diagnoses_icd / procedures_icd)
/// into the dotted codes of each admission. They are small next to the notes, so they are held in memory, but only for
/// the admissions asked for.
/// </summary>
internal static class MimicCodeTables
{
    /// <summary>
    /// Appends one table's codes to <paramref name="codes"/>: per admission in SEQ_NUM order (file order for ties),
    /// formatted with <paramref name="format"/>, a code already there not repeated. Rows with an empty code are skipped
    /// (MIMIC-III has a few); with <paramref name="icdVersion"/> set, only rows of that <c>icd_version</c> are kept.
    /// <paramref name="columns"/> names the admission, code and sequence columns (and the version column) as the
    /// dataset spells them, for error messages.
    /// </summary>
    internal static void Add(
        string path, string[] columns, int? icdVersion, Func<string, string> format,
        IReadOnlySet<long> admissions, Dictionary<long, List<string>> codes, long maxRecordBytes)
    {
        const int Admission = 0, Code = 1, Sequence = 2, Version = 3;
        var found = new Dictionary<long, List<(int Sequence, long Line, string Code)>>();
        foreach (var row in MimicTable.Read(path, columns, [], maxRecordBytes))
        {
            if (row.IsBlank(Code) || row.IsBlank(Admission))
            {
                continue;
            }

            if (!row.IsWantedAdmission(Admission, admissions, out long admission))
            {
                continue;
            }

            if (icdVersion is { } wanted && ParseInt(row, Version, "an ICD version") != wanted)
            {
                continue;
            }

            int sequence = row.IsBlank(Sequence) ? int.MaxValue : ParseInt(row, Sequence, "a sequence number");
            (found.TryGetValue(admission, out var list) ? list : found[admission] = []).Add((sequence, row.Line, format(row.Value(Code))));
        }

        foreach (var (admission, entries) in found)
        {
            var target = codes.TryGetValue(admission, out var existing) ? existing : codes[admission] = [];
            foreach (var entry in entries.OrderBy(e => e.Sequence).ThenBy(e => e.Line))
            {
                if (!target.Contains(entry.Code))
                {
                    target.Add(entry.Code);
                }
            }
        }
    }

    /// <summary>How many admissions carry each code (a code counts once per admission).</summary>
    internal static Dictionary<string, int> AdmissionCounts(IEnumerable<IEnumerable<string>> codesPerAdmission)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var codes in codesPerAdmission)
        {
            foreach (string code in codes.Distinct(StringComparer.Ordinal))
            {
                counts[code] = counts.GetValueOrDefault(code) + 1;
            }
        }

        return counts;
    }

    private static int ParseInt(MimicRow row, int column, string what)
    {
        string text = row.Value(column);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw row.Error($"{row.NameOf(column)} '{text}' is not {what}");
    }
}
