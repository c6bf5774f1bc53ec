using System.Text;
using System.Text.Unicode;

namespace PlantFunctions.Model.Notes;

/// <summary>Validation shared by every reader, so all formats reject the same things with the same words.</summary>
internal static class NoteChecks
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes a line or record may take before it is rejected unread (UTF-8 and JSON escapes inflate text).</summary>
    internal static long MaxRecordBytes(NoteReaderOptions options) => (long)options.MaxNoteChars * 6 + (1 << 20);

    /// <summary>
    /// Why raw bytes are not usable text, or <c>null</c>: invalid UTF-8, or a NUL byte (which no text note holds; it
    /// means a UTF-16 or binary file). <paramref name="unit"/> names what the byte offset counts from ("line", "field", "file").
    /// </summary>
    internal static string? EncodingProblem(ReadOnlySpan<byte> bytes, string unit)
    {
        if (!Utf8.IsValid(bytes))
        {
            return $"invalid UTF-8 at byte {FirstInvalidByte(bytes)} of the {unit}; notes must be UTF-8 text";
        }

        int nul = bytes.IndexOf((byte)0);
        return nul >= 0
            ? $"NUL byte at byte {nul} of the {unit}; notes must be UTF-8 text (is the file UTF-16 or binary?)"
            : null;
    }

    /// <summary>Decodes strict UTF-8 text or says where it is unusable (see <see cref="EncodingProblem"/>).</summary>
    internal static string? TryDecode(ReadOnlySpan<byte> bytes, string unit, out string? reason)
    {
        reason = EncodingProblem(bytes, unit);
        return reason is null ? StrictUtf8.GetString(bytes) : null;
    }

    /// <summary>Checks a parsed note's id and text; returns the reason it is unusable, or <c>null</c>.</summary>
    internal static string? Problem(string? id, string? text, NoteReaderOptions options)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return "missing id";
        }

        if (text is null)
        {
            return "missing text";
        }

        if (text.Length > options.MaxNoteChars)
        {
            return $"note is {text.Length:N0} characters, over the limit of {options.MaxNoteChars:N0} (Plant:Notes:MaxNoteChars)";
        }

        return string.IsNullOrWhiteSpace(text) ? "empty text" : null;
    }

    /// <summary>Splits a code list written as "a;b" or "a|b".</summary>
    internal static IReadOnlyList<string> SplitCodes(string value) =>
        value.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        int valid = 0;
        while (valid < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[valid..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return valid;
            }

            valid += consumed;
        }

        return valid;
    }
}
