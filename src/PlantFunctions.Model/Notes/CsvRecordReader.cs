namespace PlantFunctions.Model.Notes;

/// <summary>
/// RFC 4180 records from raw bytes: comma-separated, fields optionally double-quoted, quotes doubled inside quotes,
/// CRLF or LF line ends, newlines allowed inside quoted fields. Works on bytes (every delimiter is ASCII, which never
/// occurs inside a UTF-8 multi-byte sequence) so an encoding error spoils one field, not the stream.
/// </summary>
internal static class CsvRecordReader
{
    /// <summary>One record: its raw fields, the line it starts on, and a structural problem if there was one.</summary>
    internal sealed record Record(List<byte[]> Fields, long Line, string? Problem);

    internal static IEnumerable<Record> ReadRecords(Stream stream, long maxRecordBytes)
    {
        var input = new ByteCursor(stream);
        long line = 1;
        bool first = true;
        while (true)
        {
            if (first)
            {
                first = false;
                input.SkipUtf8Bom();
            }

            if (input.Peek() < 0)
            {
                yield break;
            }

            long startLine = line;
            var fields = new List<byte[]>();
            var field = new List<byte>();
            string? problem = null;
            long size = 0;
            bool quoted = false, fieldStarted = false, endOfRecord = false;
            while (!endOfRecord)
            {
                int b = input.Next();
                if (b < 0)
                {
                    if (quoted)
                    {
                        problem ??= $"a quoted field opened on line {startLine} is never closed";
                    }

                    fields.Add([.. field]);
                    break;
                }

                if (++size > maxRecordBytes && problem is null)
                {
                    problem = $"record is longer than {maxRecordBytes:N0} bytes; the note is over the size limit";
                }

                if (b == '\n')
                {
                    line++;
                }

                if (quoted)
                {
                    if (b != '"')
                    {
                        Append(field, b, problem);
                        continue;
                    }

                    if (input.Peek() == '"')
                    {
                        input.Next();
                        Append(field, '"', problem);
                        continue;
                    }

                    quoted = false;
                    int after = input.Peek();
                    if (after >= 0 && after is not (',' or '\n' or '\r'))
                    {
                        problem ??= $"unexpected character '{(char)after}' after a closing quote";
                    }

                    continue;
                }

                switch (b)
                {
                    case '"' when !fieldStarted:
                        quoted = true;
                        fieldStarted = true;
                        break;
                    case ',':
                        fields.Add([.. field]);
                        field.Clear();
                        fieldStarted = false;
                        break;
                    case '\r' when input.Peek() == '\n':
                        break;
                    case '\n':
                        fields.Add([.. field]);
                        endOfRecord = true;
                        break;
                    default:
                        fieldStarted = true;
                        Append(field, b, problem);
                        break;
                }
            }

            if (fields.Count == 1 && fields[0].Length == 0 && problem is null)
            {
                continue; // blank line
            }

            yield return new Record(fields, startLine, problem);
        }
    }

    private static void Append(List<byte> field, int b, string? problem)
    {
        if (problem is null)
        {
            field.Add((byte)b);
        }
    }

    /// <summary>A byte-at-a-time view of a stream through a 64 KB buffer.</summary>
    private sealed class ByteCursor(Stream stream)
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private int position, length;

        public int Peek() => Fill() ? buffer[position] : -1;

        public int Next() => Fill() ? buffer[position++] : -1;

        public void SkipUtf8Bom()
        {
            if (Fill() && length - position >= 3 && buffer[position] == 0xEF && buffer[position + 1] == 0xBB && buffer[position + 2] == 0xBF)
            {
                position += 3;
            }
        }

        private bool Fill()
        {
            if (position < length)
            {
                return true;
            }

            length = stream.ReadAtLeast(buffer, 3, throwOnEndOfStream: false);
            position = 0;
            return length > 0;
        }
    }
}
