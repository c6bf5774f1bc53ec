using System.Text.Json;

namespace PlantFunctions.Model.Notes;

/// <summary>
/// Reads JSON Lines: one object per line with <c>id</c> (string or integer), <c>text</c> (string), optional
/// <c>codes</c> (array of strings) and <c>metadata</c> (object). Other fields are kept as metadata. Streams line by line.
/// </summary>
internal static class JsonLinesNoteReader
{
    internal static IEnumerable<NoteReadResult> Read(Stream stream, string source, NoteReaderOptions options)
    {
        foreach (var line in Utf8LineReader.ReadLines(stream, NoteChecks.MaxRecordBytes(options)))
        {
            if (line.TooLong)
            {
                yield return Fail(source, line.Number, null,
                    $"line is longer than {NoteChecks.MaxRecordBytes(options):N0} bytes; the note is over the size limit");
                continue;
            }

            if (IsBlank(line.Bytes.Span))
            {
                continue;
            }

            yield return ParseLine(line.Bytes, line.Number, source, options);
        }
    }

    private static NoteReadResult ParseLine(ReadOnlyMemory<byte> bytes, long lineNumber, string source, NoteReaderOptions options)
    {
        if (NoteChecks.TryDecode(bytes.Span, out string? encodingProblem) is null)
        {
            return Fail(source, lineNumber, null, encodingProblem!);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            return Fail(source, lineNumber, null, $"malformed JSON: {ex.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Fail(source, lineNumber, null, $"expected a JSON object, found {Describe(document.RootElement.ValueKind)}");
            }

            return ParseObject(document.RootElement, lineNumber, source, options);
        }
    }

    private static NoteReadResult ParseObject(JsonElement root, long lineNumber, string source, NoteReaderOptions options)
    {
        string? id = null, text = null;
        List<string>? codes = null;
        Dictionary<string, string>? metadata = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id":
                    if (!TryReadId(property.Value, out id))
                    {
                        return Fail(source, lineNumber, null, $"field 'id' must be a string or an integer, not {Describe(property.Value.ValueKind)}");
                    }

                    break;
                case "text":
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        return Fail(source, lineNumber, id, $"field 'text' must be a string, not {Describe(property.Value.ValueKind)}");
                    }

                    text = property.Value.GetString();
                    break;
                case "codes":
                    if (!TryReadCodes(property.Value, out codes, out string? codesProblem))
                    {
                        return Fail(source, lineNumber, id, codesProblem!);
                    }

                    break;
                case "metadata":
                    if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                    {
                        return Fail(source, lineNumber, id, $"field 'metadata' must be an object, not {Describe(property.Value.ValueKind)}");
                    }

                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var entry in property.Value.EnumerateObject())
                        {
                            metadata[entry.Name] = AsText(entry.Value);
                        }
                    }

                    break;
                default:
                    metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    metadata[property.Name] = AsText(property.Value);
                    break;
            }
        }

        string? problem = NoteChecks.Problem(id, text, options);
        return problem is null
            ? NoteReadResult.Ok(new ClinicalNote(id!, text!, codes, metadata), source, lineNumber)
            : Fail(source, lineNumber, string.IsNullOrWhiteSpace(id) ? null : id, problem);
    }

    private static bool TryReadId(JsonElement value, out string? id)
    {
        id = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when value.TryGetInt64(out long number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
        return id is not null;
    }

    private static bool TryReadCodes(JsonElement value, out List<string>? codes, out string? problem)
    {
        codes = null;
        problem = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problem = $"field 'codes' must be an array of strings, not {Describe(value.ValueKind)}";
            return false;
        }

        codes = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                problem = $"field 'codes' must contain only non-empty strings, found {Describe(item.ValueKind)}";
                return false;
            }

            codes.Add(item.GetString()!.Trim());
        }

        return true;
    }

    private static string AsText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static bool IsBlank(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static NoteReadResult Fail(string source, long line, string? id, string reason) =>
        NoteReadResult.Failed(new NoteReadError(source, line, id, reason));
}
