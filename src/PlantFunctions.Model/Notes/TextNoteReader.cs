namespace PlantFunctions.Model.Notes;

/// <summary>Reads one plain-text note whose id is its file name without the extension.</summary>
internal static class TextNoteReader
{
    internal static NoteReadResult Read(Stream stream, string source, NoteReaderOptions options)
    {
        string id = Path.GetFileNameWithoutExtension(source);
        long limit = Math.Min((long)options.MaxNoteChars * 4, Array.MaxLength);
        var bytes = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            bytes.Write(chunk, 0, read);
            if (bytes.Length > limit)
            {
                return NoteReadResult.Failed(new NoteReadError(source, 0, id,
                    $"file is over {limit:N0} bytes; the note is over the limit of {options.MaxNoteChars:N0} characters (Plant:Notes:MaxNoteChars)"));
            }
        }

        ReadOnlySpan<byte> content = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
        }

        string? text = NoteChecks.TryDecode(content, "file", out string? reason);
        string? problem = reason ?? NoteChecks.Problem(id, text, options);
        return problem is null
            ? NoteReadResult.Ok(new ClinicalNote(id, text!), source, 0)
            : NoteReadResult.Failed(new NoteReadError(source, 0, id, problem));
    }
}
