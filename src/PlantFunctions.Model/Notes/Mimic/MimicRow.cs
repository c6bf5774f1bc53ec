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

    internal static string Decode(byte[] bytes, string path, long line, string what) =>
        NoteChecks.TryDecode(bytes, "field", out string? reason) ?? throw MimicTable.Error(path, line, $"{what}: {reason}");
}
