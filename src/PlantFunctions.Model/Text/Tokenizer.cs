using System.Globalization;

namespace PlantFunctions.Model.Text;

/// <summary>
/// The paper's preprocessing (appendix A.6): lower-cased, alphabetic tokens only. A token candidate is a maximal run of
/// letters and digits (punctuation and spaces separate tokens, so "non-Hodgkin's" gives "non", "hodgkin", "s"); runs
/// containing a digit ("c1", "fio2", "2mg") are dropped. Every kept token keeps its offsets into the original text.
/// </summary>
public static class Tokenizer
{
    /// <summary>Appends the spans of the kept tokens of <paramref name="text"/> to <paramref name="spans"/>.</summary>
    public static void Tokenize(ReadOnlySpan<char> text, List<TokenSpan> spans)
    {
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (!IsWordChar(c))
            {
                i++;
                continue;
            }

            int start = i;
            bool hasDigit = false;
            while (i < text.Length && IsWordChar(text[i]))
            {
                hasDigit |= IsDigit(text[i]);
                i++;
            }

            if (!hasDigit)
            {
                spans.Add(new TokenSpan(start, i - start));
            }
        }
    }

    /// <summary>The kept tokens' spans.</summary>
    public static List<TokenSpan> Tokenize(string text)
    {
        var spans = new List<TokenSpan>(text.Length / 6);
        Tokenize(text.AsSpan(), spans);
        return spans;
    }

    /// <summary>The kept tokens as lower-cased strings (convenient, allocating; use spans on hot paths).</summary>
    public static IEnumerable<string> Words(string text) =>
        Tokenize(text).Select(span => text.AsSpan(span.Start, span.Length).ToString().ToLowerInvariant());

    /// <summary>Writes the lower-cased token into <paramref name="destination"/> and returns its length.</summary>
    public static int Lower(ReadOnlySpan<char> token, Span<char> destination) =>
        token.ToLowerInvariant(destination);

    private static bool IsWordChar(char c)
    {
        if (c < 128)
        {
            return (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;
        }

        return char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    private static bool IsDigit(char c) => c < 128 ? (uint)(c - '0') <= 9 : char.IsDigit(c) || char.IsNumber(c);
}
