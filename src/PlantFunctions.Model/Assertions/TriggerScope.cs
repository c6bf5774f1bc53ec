namespace PlantFunctions.Model.Assertions;

/// <summary>The words one trigger asserts its category over, found by walking away from it until its scope ends.</summary>
internal readonly struct TriggerScope(TokenSentence sentence, TriggerMatches matches, TriggerMatch match)
{
    private AssertionTrigger Trigger => match.Trigger;

    /// <summary>Sets the trigger's category bit on every token of its scope.</summary>
    public void Mark(byte[] flags)
    {
        byte bit = (byte)(1 << (int)Trigger.Category);
        bool forward, backward;
        switch (Trigger.Kind)
        {
            case TriggerKind.Both:
                forward = backward = true;
                break;
            case TriggerKind.Backward:
                // Nothing before it in its sentence: it reaches forward instead ("Years ago, he had ...").
                backward = !sentence.StartsSentence(match.Start);
                forward = !backward;
                break;
            case TriggerKind.Either:
                backward = !sentence.StartsSentence(match.Start) && EndsClause();
                forward = !backward;
                break;
            default:
                forward = true;
                backward = false;
                break;
        }

        if (forward)
        {
            Walk(flags, bit, +1);
        }

        if (backward)
        {
            Walk(flags, bit, -1);
        }
    }

    /// <summary>Whether punctuation, a terminator, a pseudo-trigger or the end of the text follows the trigger.</summary>
    private bool EndsClause()
    {
        int next = match.End;
        return next >= sentence.Count || sentence.Gaps[next] >= GapKind.Comma || matches.Stops(next, Trigger.Category, sentence.Gaps);
    }

    private void Walk(byte[] flags, byte bit, int step)
    {
        int first = step > 0 ? match.End : match.Start - 1;
        int count = 0;
        for (int t = first; t >= 0 && t < sentence.Count && count < Trigger.Limit; t += step)
        {
            // The gap crossed to reach t: before t going forward, after t going backward.
            var gap = sentence.Gaps[step > 0 ? t : t + 1];
            bool nextToTrigger = t == first;
            if (gap == GapKind.Sentence || (gap == GapKind.Colon && !nextToTrigger) || (gap == GapKind.Comma && Trigger.EndsAtComma)
                || matches.Stops(t, Trigger.Category, sentence.Gaps))
            {
                break;
            }

            flags[t] |= bit;
            count++;
        }
    }
}
