namespace PlantFunctions.Model.Notes;

/// <summary>
/// RFC 4180 records from raw bytes: comma-separated, fields optionally double-quoted, quotes doubled inside quotes,
/// CRLF or LF line ends, newlines allowed inside quoted fields. Works on bytes (every delimiter is ASCII, which never
/// occurs inside a UTF-8 multi-byte sequence) so an encoding error spoils one field, not the stream. A byte-order mark
/// at the start of a record is skipped.
/// </summary>
/// <remarks>
/// A quote that is never closed, or closed by a quote lines later and followed by more text, would swallow every
/// record after it. When such a quoted field crossed a line end, the record is reported from its first line to the
/// line where the quote opened, and reading starts again on the next line, so the records after it are still read.
/// </remarks>
internal static class CsvRecordReader
{
    /// <summary>One record: its raw fields, the line it starts on, and a structural problem if there was one.</summary>
    internal sealed record Record(List<byte[]> Fields, long Line, string? Problem);

    internal static IEnumerable<Record> ReadRecords(Stream stream, long maxRecordBytes)
    {
        var input = new ByteCursor(stream);
        long line = 1;
        while (true)
        {
            input.SkipUtf8Bom();
            if (input.Peek() < 0)
            {
                yield break;
            }

            input.BeginRecord(maxRecordBytes);
            long startLine = line, quoteLine = 0;
            var fields = new List<byte[]>();
            var field = new List<byte>();
            string? problem = null;
            bool quoted = false, quoteSpansLines = false, fieldStarted = false, endOfRecord = false, resync = false;
            int quoteOffset = 0;
            while (!endOfRecord)
            {
                int b = input.Next();
                if (b < 0)
                {
                    if (quoted)
                    {
                        problem ??= $"a quoted field opened on line {quoteLine} is never closed";
                        resync |= quoteSpansLines;
                    }

                    fields.Add([.. field]);
                    break;
                }

                if (!input.RecordFits && problem is null)
                {
                    problem = $"record is longer than {maxRecordBytes:N0} bytes; the note is over the size limit";
                }

                if (b == '\n')
                {
                    line++;
                    quoteSpansLines |= quoted;
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
                        problem ??= quoteSpansLines
                            ? $"a quoted field opened on line {quoteLine} ends on line {line} before {Show(after)} (is a quote missing, or not doubled?)"
                            : $"unexpected {Show(after)} after a closing quote (a quote inside a quoted field must be doubled)";
                        resync |= quoteSpansLines;
                    }

                    continue;
                }

                switch (b)
                {
                    case '"' when !fieldStarted:
                        quoted = true;
                        fieldStarted = true;
                        quoteLine = line;
                        quoteOffset = input.RecordLength - 1;
                        quoteSpansLines = false;
                        break;
                    case ',':
                        // Past the size limit the record is an error record: its fields are no longer kept, so a record
                        // of commas cannot grow a list of empty fields without bound.
                        if (problem is null)
                        {
                            fields.Add([.. field]);
                        }

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
            if (resync && input.RecordFits)
            {
                // Read again from the line after the one where the stray quote opened.
                input.Replay(quoteOffset);
                line = quoteLine + 1;
            }
        }
    }

    private static string Show(int b) => b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    private static void Append(List<byte> field, int b, string? problem)
    {
        if (problem is null)
        {
            field.Add((byte)b);
        }
    }

    /// <summary>
    /// A byte-at-a-time view of a stream through a 64 KB buffer. It keeps the bytes of the current record (up to a
    /// limit) so that they can be read again from a point after the record's first line.
    /// </summary>
    private sealed class ByteCursor(Stream stream)
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private readonly List<byte> record = [];
        private byte[] replay = [];
        private int position, length, replayPosition;
        private long recordLength, recordLimit = long.MaxValue;

        /// <summary>Bytes read since <see cref="BeginRecord"/>.</summary>
        public int RecordLength => (int)Math.Min(recordLength, int.MaxValue);

        /// <summary>Whether the current record is within its limit (and so was kept whole).</summary>
        public bool RecordFits => recordLength <= recordLimit;

        public void BeginRecord(long limit)
        {
            record.Clear();
            recordLength = 0;
            recordLimit = Math.Min(limit, Array.MaxLength);
        }

        public int Peek() => replayPosition < replay.Length ? replay[replayPosition] : Fill() ? buffer[position] : -1;

        public int Next()
        {
            int b = replayPosition < replay.Length ? replay[replayPosition++] : Fill() ? buffer[position++] : -1;
            if (b >= 0 && ++recordLength <= recordLimit)
            {
                record.Add((byte)b);
            }

            return b;
        }

        /// <summary>Reads the current record again, from the line after the one holding byte <paramref name="offset"/>.</summary>
        public void Replay(int offset)
        {
            int newline = record.IndexOf((byte)'\n', offset);
            byte[] again = newline < 0 ? [] : [.. record.Skip(newline + 1)];
            replay = [.. again, .. replay.AsSpan(replayPosition)];
            replayPosition = 0;
            record.Clear();
        }

        public void SkipUtf8Bom()
        {
            if (Peek() != 0xEF)
            {
                return;
            }

            ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
            var taken = new List<byte>(3);
            foreach (byte expected in bom)
            {
                if (Peek() != expected)
                {
                    replay = [.. taken, .. replay.AsSpan(replayPosition)];
                    replayPosition = 0;
                    return;
                }

                taken.Add((byte)Next());
            }
        }

        private bool Fill()
        {
            if (position < length)
            {
                return true;
            }

            length = stream.Read(buffer);
            position = 0;
            return length > 0;
        }
    }
}
