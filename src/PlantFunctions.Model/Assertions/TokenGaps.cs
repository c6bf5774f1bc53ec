namespace PlantFunctions.Model.Assertions;

/// <summary>Classifies the text between two tokens (<see cref="GapKind"/>), with the full stops of abbreviations ignored.</summary>
internal static class TokenGaps
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "dr", "drs", "mr", "mrs", "ms", "vs", "approx", "fig", "figs", "prof", "sr", "jr", "st", "resp", "cf", "ca",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AbbreviationLookup = Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The gap between the token ending at <paramref name="from"/> and the one starting at <paramref name="to"/>.</summary>
    /// <param name="text">The whole text.</param>
    /// <param name="previousStart">Where the token before the gap starts (to recognise abbreviations).</param>
    /// <param name="from">Where the gap starts.</param>
    /// <param name="to">Where the gap ends (the next token's start).</param>
    public static GapKind Classify(ReadOnlySpan<char> text, int previousStart, int from, int to)
    {
        var kind = GapKind.Join;
        for (int i = from; i < to; i++)
        {
            char c = text[i];
            GapKind here = c switch
            {
                ' ' or '\t' or '-' or '/' or '\'' or '\u2019' or '\u2010' or '\u2011' or '\u00A0' => GapKind.Join,
                '\n' or '\r' or ';' or '?' or '!' => GapKind.Sentence,
                '.' => EndsSentence(text, previousStart, from, i) ? GapKind.Sentence : GapKind.Other,
                ':' => GapKind.Colon,
                ',' => GapKind.Comma,
                _ => GapKind.Other,
            };
            if (here > kind)
            {
                kind = here;
            }
        }

        return kind;
    }

    /// <summary>
    /// A full stop ends a sentence when a space, a line break or the end of the text follows it, unless it closes an
    /// abbreviation right after the previous token ("Dr.", "vs.", the last letter of "e.g."). Decimal points never do.
    /// </summary>
    private static bool EndsSentence(ReadOnlySpan<char> text, int previousStart, int gapStart, int at)
    {
        if (at + 1 < text.Length && !char.IsWhiteSpace(text[at + 1]))
        {
            return false;
        }

        if (at != gapStart || previousStart >= gapStart)
        {
            return true;
        }

        var previous = text[previousStart..gapStart];
        bool initialism = previous.Length == 1 && previousStart > 0 && text[previousStart - 1] == '.';
        return !initialism && !AbbreviationLookup.Contains(previous);
    }
}
