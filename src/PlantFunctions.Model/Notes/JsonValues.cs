using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace PlantFunctions.Model.Notes;

/// <summary>
/// Reads values out of a parsed JSON Lines record without letting System.Text.Json throw on bad input:
/// <see cref="JsonElement.GetString"/> and <see cref="JsonProperty.Name"/> throw <see cref="InvalidOperationException"/>
/// on an escape that is a lone UTF-16 surrogate (<c>"\ud800"</c>), which the parser itself accepts.
/// </summary>
internal static class JsonValues
{
    /// <summary>How deep a record may nest; deeper records are rejected (the parser's own default limit).</summary>
    internal const int MaxDepth = 64;

    /// <summary>The string value of <paramref name="element"/> (a JSON string), or why it is not valid Unicode.</summary>
    internal static string? TryGetString(JsonElement element, out string? problem) =>
        Unescape(JsonMarshal.GetRawUtf8Value(element), () => element.GetString()!, out problem);

    /// <summary>The name of <paramref name="property"/>, or why it is not valid Unicode.</summary>
    internal static string? TryGetName(JsonProperty property, out string? problem) =>
        Unescape(JsonMarshal.GetRawUtf8PropertyName(property), () => property.Name, out problem);

    /// <summary>The deepest nesting of arrays and objects in <paramref name="json"/>, counted without recursion.</summary>
    internal static int NestingDepth(ReadOnlySpan<byte> json)
    {
        int depth = 0, deepest = 0;
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            byte b = json[i];
            if (inString)
            {
                if (b == '\\')
                {
                    i++;
                }
                else if (b == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (b)
            {
                case (byte)'"':
                    inString = true;
                    break;
                case (byte)'[' or (byte)'{':
                    deepest = Math.Max(deepest, ++depth);
                    break;
                case (byte)']' or (byte)'}':
                    depth--;
                    break;
            }
        }

        return deepest;
    }

    /// <summary>
    /// The first <c>\uXXXX</c> escape in raw JSON string bytes that is a surrogate without its pair (as written, e.g.
    /// <c>\ud800</c>), or <c>null</c>. Raw bytes are valid UTF-8 here, so escapes are the only way to spell a surrogate.
    /// </summary>
    internal static string? FindLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\' || i + 1 >= raw.Length)
            {
                continue;
            }

            if (raw[i + 1] != 'u' || !TryReadEscape(raw, i, out int unit))
            {
                i++; // a two-character escape such as \" or \\
                continue;
            }

            if (char.IsHighSurrogate((char)unit) && TryReadEscape(raw, i + 6, out int next) && char.IsLowSurrogate((char)next))
            {
                i += 11;
                continue;
            }

            if (char.IsSurrogate((char)unit))
            {
                return Encoding.ASCII.GetString(raw.Slice(i, 6));
            }

            i += 5;
        }

        return null;
    }

    private static string? Unescape(ReadOnlySpan<byte> raw, Func<string> read, out string? problem)
    {
        problem = null;
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return read();
        }

        if (FindLoneSurrogate(raw) is { } escape)
        {
            problem = $"holds an invalid escape (a lone surrogate {escape})";
            return null;
        }

        try
        {
            return read();
        }
        catch (InvalidOperationException ex)
        {
            problem = $"holds text that is not valid Unicode ({ex.Message})";
            return null;
        }
    }

    private static bool TryReadEscape(ReadOnlySpan<byte> raw, int at, out int unit)
    {
        unit = 0;
        if (at + 6 > raw.Length || raw[at] != '\\' || raw[at + 1] != 'u')
        {
            return false;
        }

        for (int k = at + 2; k < at + 6; k++)
        {
            int digit = HexDigit(raw[k]);
            if (digit < 0)
            {
                return false;
            }

            unit = (unit << 4) | digit;
        }

        return true;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
