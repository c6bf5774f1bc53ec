using System.Text.Json;

namespace PlantFunctions.Model.Notes;

/// <summary>
/// Maps one parsed JSON Lines object to a note: checks every field's type and string escapes and returns the first
/// problem as the record's error (with the note's id when the id itself could be read).
/// </summary>
internal static class JsonNoteFields
{
    private static readonly string[] KnownFields = ["id", "text", "codes", "metadata"];

    internal static NoteReadResult Read(JsonElement root, long lineNumber, string source, NoteReaderOptions options)
    {
        string? id = null, text = null, problem = null;
        List<string>? codes = null;
        Dictionary<string, string>? metadata = null;
        var seen = new bool[KnownFields.Length];
        foreach (var property in root.EnumerateObject())
        {
            string? name = JsonValues.TryGetName(property, out string? nameProblem);
            if (name is null)
            {
                problem ??= $"a field name {nameProblem}";
                continue;
            }

            int known = Array.IndexOf(KnownFields, name);
            if (known >= 0 && seen[known])
            {
                problem ??= $"field '{name}' appears more than once";
                continue;
            }

            if (known >= 0)
            {
                seen[known] = true;
            }

            if (problem is not null && name != "id")
            {
                continue; // the record is already bad; only its id is still of use, for the error
            }

            problem = name switch
            {
                "id" => ReadId(property.Value, out id) ?? problem,
                "text" => ReadText(property.Value, out text),
                "codes" => ReadCodes(property.Value, out codes),
                "metadata" => ReadMetadata(property.Value, ref metadata),
                _ => AddMetadata(name, name, property.Value, ref metadata),
            };
        }

        string? noteId = string.IsNullOrWhiteSpace(id) ? null : id;
        problem ??= NoteChecks.Problem(id, text, options);
        return problem is null
            ? NoteReadResult.Ok(new ClinicalNote(id!, text!, codes, metadata), source, lineNumber)
            : JsonLinesNoteReader.Fail(source, lineNumber, noteId, problem);
    }

    private static string? ReadId(JsonElement value, out string? id)
    {
        id = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                id = JsonValues.TryGetString(value, out string? problem);
                return problem is null ? null : $"field 'id' {problem}";
            case JsonValueKind.Number:
                string number = value.GetRawText();
                if (number.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
                {
                    return $"field 'id' must be a string or an integer, not the number {(number.Length <= 24 ? number : number[..21] + "...")}";
                }

                id = number;
                return null;
            default:
                return $"field 'id' must be a string or an integer, not {JsonLinesNoteReader.Describe(value)}";
        }
    }

    private static string? ReadText(JsonElement value, out string? text)
    {
        text = null;
        if (value.ValueKind != JsonValueKind.String)
        {
            return $"field 'text' must be a string, not {JsonLinesNoteReader.Describe(value)}";
        }

        text = JsonValues.TryGetString(value, out string? problem);
        return problem is null ? null : $"field 'text' {problem}";
    }

    private static string? ReadCodes(JsonElement value, out List<string>? codes)
    {
        codes = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return $"field 'codes' must be an array of strings, not {JsonLinesNoteReader.Describe(value)}";
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return $"field 'codes' must contain only non-empty strings, found {JsonLinesNoteReader.Describe(item)}";
            }

            string? code = JsonValues.TryGetString(item, out string? problem);
            if (problem is not null)
            {
                return $"field 'codes' {problem}";
            }

            if (string.IsNullOrWhiteSpace(code))
            {
                return "field 'codes' must contain only non-empty strings, found an empty string";
            }

            list.Add(code.Trim());
        }

        codes = list;
        return null;
    }

    private static string? ReadMetadata(JsonElement value, ref Dictionary<string, string>? metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return $"field 'metadata' must be an object, not {JsonLinesNoteReader.Describe(value)}";
        }

        foreach (var entry in value.EnumerateObject())
        {
            string? name = JsonValues.TryGetName(entry, out string? nameProblem);
            string? problem = name is null
                ? $"a field name in 'metadata' {nameProblem}"
                : AddMetadata(name, $"metadata.{name}", entry.Value, ref metadata);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Keeps a metadata value as text: strings unescaped, anything else as its JSON.</summary>
    private static string? AddMetadata(string name, string path, JsonElement value, ref Dictionary<string, string>? metadata)
    {
        string? problem = null;
        string? text = value.ValueKind == JsonValueKind.String ? JsonValues.TryGetString(value, out problem) : value.GetRawText();
        if (text is null)
        {
            return $"field '{path}' {problem}";
        }

        metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
        metadata[name] = text;
        return null;
    }
}
