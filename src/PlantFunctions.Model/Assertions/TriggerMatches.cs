namespace PlantFunctions.Model.Assertions;

/// <summary>One lexicon phrase found in a text: its first token, its length in tokens and what it is.</summary>
internal readonly record struct TriggerMatch(int Start, int Length, AssertionTrigger Trigger)
{
    /// <summary>One past its last token.</summary>
    public int End => Start + Length;
}

/// <summary>The phrases found in a text, in order, with the phrase covering each token.</summary>
internal sealed class TriggerMatches(int tokens) : List<TriggerMatch>
{
    private readonly int[] at = Enumerable.Repeat(-1, tokens).ToArray();

    /// <summary>Adds a phrase covering tokens <paramref name="start"/> to <paramref name="start"/> + <paramref name="length"/> - 1.</summary>
    public void Add(int start, int length, AssertionTrigger trigger)
    {
        for (int t = start; t < start + length; t++)
        {
            at[t] = Count;
        }

        Add(new TriggerMatch(start, length, trigger));
    }

    /// <summary>
    /// Whether a scope of <paramref name="category"/> stops at token <paramref name="token"/>: a phrase there ends it
    /// (see <see cref="AssertionTrigger.Ends"/>; an after-comma terminator only with a comma before it).
    /// </summary>
    public bool Stops(int token, Assertion category, GapKind[] gaps)
    {
        if (at[token] < 0)
        {
            return false;
        }

        var match = this[at[token]];
        return match.Trigger.Ends(category) && (!match.Trigger.AfterComma || gaps[match.Start] == GapKind.Comma);
    }
}
