namespace PlantFunctions.Model.Notes;

/// <summary>
/// Entry point for reading notes from files, folders and streams in any supported format. Every method streams, applies
/// the same checks, reports duplicate ids across everything it reads, and follows <see cref="NoteReaderOptions.ErrorMode"/>.
/// </summary>
public static class NoteReader
{
    /// <summary>The format a file name implies, or <c>null</c> when the extension is not a note format.</summary>
    public static NoteFileFormat? FormatOf(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" => NoteFileFormat.JsonLines,
        ".csv" => NoteFileFormat.Csv,
        ".txt" => NoteFileFormat.Text,
        _ => null,
    };

    /// <summary>Reads a note file (format from its extension) or every note file in a folder, in name order.</summary>
    public static IEnumerable<NoteReadResult> Read(string path, NoteReaderOptions? options = null)
    {
        options ??= new NoteReaderOptions();
        var results = Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => FormatOf(f) is not null).Order(StringComparer.Ordinal)
                .SelectMany(file => ReadFolderFile(file, options))
            : ReadFile(path, options);
        return Checked(results, options);
    }

    /// <summary>Reads the notes of one stream whose name (file or blob name) gives its format.</summary>
    public static IEnumerable<NoteReadResult> Read(Stream stream, string sourceName, NoteReaderOptions? options = null)
    {
        options ??= new NoteReaderOptions();
        return Checked(ReadRaw(stream, sourceName, options), options);
    }

    /// <summary>
    /// Applies cross-record rules to results from any number of sources: a repeated id becomes an error naming the first
    /// occurrence, and in <see cref="NoteErrorMode.StopAtFirst"/> mode the first error throws.
    /// </summary>
    public static IEnumerable<NoteReadResult> Checked(IEnumerable<NoteReadResult> results, NoteReaderOptions options)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var current = result;
            if (current.Note is { } note && !seen.TryAdd(note.Id, current.Location))
            {
                current = NoteReadResult.Failed(new NoteReadError(current.Source, current.Position, note.Id,
                    $"duplicate id '{note.Id}' (first seen at {seen[note.Id]})"));
            }

            if (current.Error is { } error && options.ErrorMode == NoteErrorMode.StopAtFirst)
            {
                throw new NoteFormatException(error);
            }

            yield return current;
        }
    }

    internal static IEnumerable<NoteReadResult> ReadRaw(Stream stream, string sourceName, NoteReaderOptions options) =>
        FormatOf(sourceName) switch
        {
            NoteFileFormat.JsonLines => JsonLinesNoteReader.Read(stream, sourceName, options),
            NoteFileFormat.Csv => CsvNoteReader.Read(stream, sourceName, options),
            NoteFileFormat.Text => [TextNoteReader.Read(stream, sourceName, options)],
            _ => [NoteReadResult.Failed(new NoteReadError(sourceName, 0, null,
                "not a note file: expected .jsonl, .ndjson, .csv or .txt"))],
        };

    private static IEnumerable<NoteReadResult> ReadFile(string file, NoteReaderOptions options)
    {
        using var stream = OpenFile(file);
        foreach (var result in ReadRaw(stream, file, options))
        {
            yield return result;
        }
    }

    /// <summary>A file of a folder that cannot be opened (gone, no permission) is one error; the other files are read.</summary>
    private static IEnumerable<NoteReadResult> ReadFolderFile(string file, NoteReaderOptions options)
    {
        FileStream? stream = null;
        string? problem = null;
        try
        {
            stream = OpenFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"the file cannot be opened: {ex.Message}";
        }

        if (stream is null)
        {
            yield return NoteReadResult.Failed(new NoteReadError(file, 0, null, problem!));
            yield break;
        }

        using (stream)
        {
            foreach (var result in ReadRaw(stream, file, options))
            {
                yield return result;
            }
        }
    }

    private static FileStream OpenFile(string file) =>
        new(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
}
