namespace PlantFunctions.Model.Notes;

/// <summary>
/// Reads CSV (RFC 4180) with a header row. Required columns: <c>id</c> (or <c>note_id</c>, <c>hadm_id</c>) and
/// <c>text</c>; optional <c>codes</c> (or <c>labels</c>), codes separated by ';' or '|'. Other columns become metadata.
/// </summary>
internal static class CsvNoteReader
{
    private static readonly string[] IdColumns = ["id", "note_id", "hadm_id"];
    private static readonly string[] CodeColumns = ["codes", "labels"];

    internal static IEnumerable<NoteReadResult> Read(Stream stream, string source, NoteReaderOptions options)
    {
        string[]? header = null;
        int idColumn = -1, textColumn = -1, codesColumn = -1;
        foreach (var record in CsvRecordReader.ReadRecords(stream, NoteChecks.MaxRecordBytes(options)))
        {
            if (header is null)
            {
                header = DecodeHeader(record, source, out idColumn, out textColumn, out codesColumn, out var headerError);
                if (headerError is not null)
                {
                    yield return NoteReadResult.Failed(headerError);
                    yield break;
                }

                continue;
            }

            yield return ToNote(record, header, idColumn, textColumn, codesColumn, source, options);
        }
    }

    private static string[]? DecodeHeader(CsvRecordReader.Record record, string source, out int id, out int text, out int codes, out NoteReadError? error)
    {
        id = text = codes = -1;
        error = null;
        var names = new string[record.Fields.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = (NoteChecks.TryDecode(record.Fields[i], "field", out _) ?? "").Trim();
        }

        id = Array.FindIndex(names, n => IdColumns.Contains(n, StringComparer.OrdinalIgnoreCase));
        text = Array.FindIndex(names, n => n.Equals("text", StringComparison.OrdinalIgnoreCase));
        codes = Array.FindIndex(names, n => CodeColumns.Contains(n, StringComparer.OrdinalIgnoreCase));
        if (record.Problem is not null || id < 0 || text < 0)
        {
            error = new NoteReadError(source, record.Line, null,
                record.Problem ?? $"the header row must name an 'id' column and a 'text' column; found: {string.Join(", ", names)}");
            return null;
        }

        return names;
    }

    private static NoteReadResult ToNote(CsvRecordReader.Record record, string[] header, int idColumn, int textColumn, int codesColumn, string source, NoteReaderOptions options)
    {
        string? id = idColumn < record.Fields.Count ? NoteChecks.TryDecode(record.Fields[idColumn], "field", out _)?.Trim() : null;
        string? noteId = string.IsNullOrWhiteSpace(id) ? null : id;
        if (record.Problem is not null)
        {
            return NoteReadResult.Failed(new NoteReadError(source, record.Line, noteId, record.Problem));
        }

        if (record.Fields.Count != header.Length)
        {
            return NoteReadResult.Failed(new NoteReadError(source, record.Line, noteId,
                $"record has {record.Fields.Count} field{(record.Fields.Count == 1 ? "" : "s")} but the header has {header.Length}"));
        }

        var values = new string[header.Length];
        for (int i = 0; i < header.Length; i++)
        {
            string? value = NoteChecks.TryDecode(record.Fields[i], "field", out string? reason);
            if (value is null)
            {
                return NoteReadResult.Failed(new NoteReadError(source, record.Line, noteId, $"column '{header[i]}': {reason}"));
            }

            values[i] = value;
        }

        if (values.Select(v => v.Trim()).SequenceEqual(header, StringComparer.OrdinalIgnoreCase))
        {
            return NoteReadResult.Failed(new NoteReadError(source, record.Line, null, "the header row appears again (were two CSV files joined?)"));
        }

        string? problem = NoteChecks.Problem(values[idColumn].Trim(), values[textColumn], options);
        if (problem is not null)
        {
            return NoteReadResult.Failed(new NoteReadError(source, record.Line, noteId, problem));
        }

        Dictionary<string, string>? metadata = null;
        for (int i = 0; i < header.Length; i++)
        {
            if (i != idColumn && i != textColumn && i != codesColumn)
            {
                metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
                metadata[header[i]] = values[i];
            }
        }

        IReadOnlyList<string>? codes = codesColumn >= 0 ? NoteChecks.SplitCodes(values[codesColumn]) : null;
        return NoteReadResult.Ok(new ClinicalNote(values[idColumn].Trim(), values[textColumn], codes, metadata), source, record.Line);
    }
}
