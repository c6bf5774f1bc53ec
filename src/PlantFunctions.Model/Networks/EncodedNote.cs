using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Runtime;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Networks;

/// <summary>A note as the network sees it: token ids (at least one), their offsets, and label indices when known.</summary>
/// <param name="Id">Note id.</param>
/// <param name="Tokens">Token ids; a note without a single kept word becomes one unknown token.</param>
/// <param name="Spans">Character offsets of each token in the note's text.</param>
/// <param name="Labels">Indices of the note's gold codes in the label set.</param>
/// <param name="UnseenCodes">Gold codes outside the label set (they count as misses in evaluation).</param>
public sealed record EncodedNote(string Id, int[] Tokens, IReadOnlyList<TokenSpan> Spans, int[] Labels, int UnseenCodes)
{
    /// <summary>
    /// Each token's assertion (<see cref="AssertionTagger"/>), when the note was encoded with tagging; <c>null</c>
    /// otherwise (every token then counts as affirmed).
    /// </summary>
    public Assertion[]? Assertions { get; init; }

    /// <summary>
    /// Encodes a note with a vocabulary and (optionally) maps its codes to label indices. With <paramref name="noteStart"/>
    /// the note starts with &lt;bos&gt; (an empty span at 0), as every note did in language-model training. With
    /// <paramref name="tagAssertions"/> each token also gets its assertion (timed as the stage "assertions").
    /// </summary>
    public static EncodedNote From(Notes.ClinicalNote note, Vocabulary vocabulary, Labels.LabelSet? labels, bool noteStart = false, bool tagAssertions = false)
    {
        var spans = new List<TokenSpan>();
        int[] tokens = vocabulary.Encode(note.Text, spans);
        if (noteStart)
        {
            tokens = [Vocabulary.BosId, .. tokens];
            spans.Insert(0, new TokenSpan(0, 0));
        }
        else if (tokens.Length == 0)
        {
            tokens = [Vocabulary.UnknownId];
            spans.Add(new TokenSpan(0, 0));
        }

        var indices = new List<int>();
        int unseen = 0;
        foreach (string code in (note.Codes ?? []).Distinct(StringComparer.Ordinal))
        {
            int index = labels?.IndexOf(code) ?? -1;
            if (index >= 0)
            {
                indices.Add(index);
            }
            else
            {
                unseen++;
            }
        }

        Assertion[]? assertions = null;
        if (tagAssertions)
        {
            using var time = StageTimes.Time("assertions");
            assertions = AssertionTagger.Default.Tag(note.Text, spans);
        }

        return new EncodedNote(note.Id, tokens, spans, [.. indices], unseen) { Assertions = assertions };
    }
}
