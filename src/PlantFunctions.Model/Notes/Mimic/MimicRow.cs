namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>One data row of a MIMIC table, decoding only the fields that are asked for.</summary>
internal readonly struct MimicRow(string path, long line, List<byte[]> fields, int[] columns, string[] header)
{
    /// <summary>The line the record starts on (1-based; a quoted field may span several).</summary>
    public long Line => line;

    /// <summary>Whether the field is empty or blank, without decoding it.</summary>
    public bool IsBlank(int column) => columns[column] < 0 || fields[columns[column]].All(b => b is (byte)' ' or (byte)'\t');

    /// <summary>The field's text, unchanged; <c>null</c> for a column the table does not have.</summary>
    public string? Raw(int column) => columns[column] < 0 ? null : Decode(fields[columns[column]], path, line, $"column {header[columns[column]]}");

    /// <summary>The field's text without surrounding white space ("" for a column the table does not have).</summary>
    public string Value(int column) => Raw(column)?.Trim() ?? "";

    /// <summary>An error about this row: "path line N: reason".</summary>
    public InvalidDataException Error(string reason) => MimicTable.Error(path, line, reason);

    /// <summary>A column's name as the header spells it.</summary>
    public string NameOf(int column) => columns[column] < 0 ? "?" : header[columns[column]];

    /// <summary>
    /// The admission id in <paramref name="column"/> when it is one of <paramref name="wanted"/>; <c>false</c> for other
    /// admissions; an error naming file and line when the value is not an admission id.
    /// </summary>
    public bool IsWantedAdmission(int column, IReadOnlySet<long> wanted, out long admission)
    {
        string text = Value(column);
        if (!AdmissionIds.TryParse(text, out admission))
        {
            throw Error($"{NameOf(column)} '{text}' is not an admission id");
        }

        return wanted.Contains(admission);
    }

    /// <summary>The number in <paramref name="column"/>, <see cref="long.MaxValue"/> when empty (sorts last); an error when not a number.</summary>
    public long OrderNumber(int column)
    {
        string text = Value(column);
        return text.Length == 0 ? long.MaxValue
            : AdmissionIds.TryParse(text, out long parsed) ? parsed : throw Error($"{NameOf(column)} '{text}' is not a number");
    }

    internal static string Decode(byte[] bytes, string path, long line, string what) =>
        NoteChecks.TryDecode(bytes, "field", out string? reason) ?? throw MimicTable.Error(path, line, $"{what}: {reason}");
}
