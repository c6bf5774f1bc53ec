namespace PlantFunctions.Model.Notes;

/// <summary>
/// Reads a stream as raw UTF-8 lines without decoding it, so a bad byte sequence or an oversized line spoils one line,
/// never the rest of the file. A byte-order mark at the start of a line (the file's first, or one left by joining files)
/// and a trailing CR are removed. Memory stays bounded by the longest accepted line.
/// </summary>
internal static class Utf8LineReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>One line: its bytes (valid until the next item is requested), its 1-based number, and whether it was cut.</summary>
    internal readonly record struct Line(ReadOnlyMemory<byte> Bytes, long Number, bool TooLong);

    internal static IEnumerable<Line> ReadLines(Stream stream, long maxLineBytes)
    {
        // The buffer doubles up to Array.MaxLength; a line limit below half of that is always detected before it is full.
        maxLineBytes = Math.Min(maxLineBytes, Array.MaxLength / 2);
        byte[] buffer = new byte[ChunkSize];
        int start = 0, end = 0;
        long lineNumber = 0;
        bool skipping = false, eof = false;
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                lineNumber++;
                bool tooLong = skipping || newline - start > maxLineBytes;
                skipping = false;
                yield return new Line(Trim(buffer, start, newline), lineNumber, tooLong);
                start = newline + 1;
                continue;
            }

            if (eof)
            {
                if (start < end || skipping)
                {
                    lineNumber++;
                    yield return new Line(Trim(buffer, start, end), lineNumber, skipping || end - start > maxLineBytes);
                }

                yield break;
            }

            // No newline in the buffered bytes: keep them (or drop them when the line is already too long) and read on.
            int pending = end - start;
            if (skipping || pending > maxLineBytes)
            {
                skipping = true;
                pending = 0;
            }
            else if (pending > 0 && start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, pending);
            }

            start = 0;
            end = pending;
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(Array.MaxLength, (long)buffer.Length * 2));
            }

            int read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                eof = true;
            }

            end += read;
        }
    }

    private static ReadOnlyMemory<byte> Trim(byte[] buffer, int start, int end)
    {
        if (end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF)
        {
            start += 3;
        }

        if (end > start && buffer[end - 1] == (byte)'\r')
        {
            end--;
        }

        return new ReadOnlyMemory<byte>(buffer, start, end - start);
    }
}
