using System.Text.Json;

namespace PlantFunctions.Model.Notes;

/// <summary>
/// Reads JSON Lines: one object per line with <c>id</c> (string or integer), <c>text</c> (string), optional
/// <c>codes</c> (array of strings) and <c>metadata</c> (object). Other fields are kept as metadata. Streams line by line;
/// whatever is wrong with a line (encoding, syntax, nesting, escapes, field types) becomes that line's error.
/// </summary>
internal static class JsonLinesNoteReader
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = JsonValues.MaxDepth };

    internal static IEnumerable<NoteReadResult> Read(Stream stream, string source, NoteReaderOptions options)
    {
        long maxLineBytes = NoteChecks.MaxRecordBytes(options);
        foreach (var line in Utf8LineReader.ReadLines(stream, maxLineBytes))
        {
            if (line.TooLong)
            {
                yield return Fail(source, line.Number, null,
                    $"line is longer than {maxLineBytes:N0} bytes; the note is over the size limit of {options.MaxNoteChars:N0} characters (Plant:Notes:MaxNoteChars)");
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
        if (NoteChecks.EncodingProblem(bytes.Span, "line") is { } encodingProblem)
        {
            return Fail(source, lineNumber, null, encodingProblem);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, ParseOptions);
        }
        catch (JsonException ex)
        {
            return Fail(source, lineNumber, null, JsonValues.NestingDepth(bytes.Span) > JsonValues.MaxDepth
                ? $"JSON nested deeper than {JsonValues.MaxDepth} levels"
                : MalformedJson(ex));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Fail(source, lineNumber, null, $"expected a JSON object, found {Describe(document.RootElement)}");
            }

            try
            {
                return JsonNoteFields.Read(document.RootElement, lineNumber, source, options);
            }
            catch (InvalidOperationException ex)
            {
                // Not expected (bad strings are caught field by field); a last guard so one record can never stop a batch.
                return Fail(source, lineNumber, null, $"the record could not be read: {ex.Message}");
            }
        }
    }

    /// <summary>"a number", "an array", ... for messages.</summary>
    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static NoteReadResult Fail(string source, long line, string? id, string reason) =>
        NoteReadResult.Failed(new NoteReadError(source, line, id, reason));

    /// <summary>The parser's message with the byte up front instead of its " LineNumber: 0 | BytePositionInLine: n." tail.</summary>
    private static string MalformedJson(JsonException ex)
    {
        string message = ex.Message;
        int tail = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (tail >= 0)
        {
            message = message[..tail];
        }

        return ex.BytePositionInLine is { } position ? $"malformed JSON at byte {position}: {message}" : $"malformed JSON: {message}";
    }

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
}
