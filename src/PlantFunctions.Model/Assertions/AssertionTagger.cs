using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Assertions;

/// <summary>
/// Tags every token of a text with its assertion (negated, possible, historical, family or affirmed), in the manner of
/// NegEx and ConText: trigger phrases of a <see cref="AssertionLexicon"/> assert their category over a scope of words
/// after them (or before, or both), and a scope ends at a sentence end, semicolon or line break, at a colon away from
/// the trigger, at a terminator ("but", "however", "except"), at a pseudo-trigger ("no increase"), at another trigger of
/// its category, or after the phrase's word limit. Where several categories reach a word, the strongest wins: negated,
/// then family, possible, historical. Works over the tokenizer's spans, so tags line up with evidence offsets;
/// deterministic, allocation-light, thread-safe.
/// </summary>
public sealed class AssertionTagger
{
    private const int MaxWordLength = 32;
    private static readonly Assertion[] Priority = [Assertion.Negated, Assertion.Family, Assertion.Possible, Assertion.Historical];
    private static readonly Lazy<AssertionTagger> DefaultTagger = new(() => new AssertionTagger(AssertionLexicon.Default));

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> wordIds;
    private readonly int[][] phrases;
    private readonly AssertionTrigger[] triggers;
    private readonly int[][] byFirstWord;

    /// <summary>A tagger over <paramref name="lexicon"/>'s phrases.</summary>
    public AssertionTagger(AssertionLexicon lexicon)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        triggers = [.. lexicon.Triggers];
        phrases = [.. triggers.Select(t => t.Words.Select(w => ids.TryGetValue(w, out int id) ? id : ids[w] = ids.Count).ToArray())];
        wordIds = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        byFirstWord = [.. Enumerable.Range(0, ids.Count).Select(id => Enumerable.Range(0, phrases.Length)
            .Where(p => phrases[p][0] == id).OrderByDescending(p => phrases[p].Length).ToArray())];
    }

    /// <summary>The tagger over <see cref="AssertionLexicon.Default"/>.</summary>
    public static AssertionTagger Default => DefaultTagger.Value;

    /// <summary>The assertion of each token of <paramref name="text"/>, as <see cref="Tokenizer.Tokenize(string)"/> splits it.</summary>
    public Assertion[] Tag(string text) => Tag(text, Tokenizer.Tokenize(text));

    /// <summary>
    /// The assertion of each span of <paramref name="spans"/> (the tokenizer's, in text order; empty spans, such as a
    /// note-start token, are skipped and affirmed).
    /// </summary>
    public Assertion[] Tag(ReadOnlySpan<char> text, IReadOnlyList<TokenSpan> spans)
    {
        var result = new Assertion[spans.Count];
        var positions = new List<int>(spans.Count);
        for (int i = 0; i < spans.Count; i++)
        {
            if (spans[i].Length > 0)
            {
                positions.Add(i);
            }
        }

        if (positions.Count == 0)
        {
            return result;
        }

        var sentence = new TokenSentence(Words(text, spans, positions), Gaps(text, spans, positions));
        var matches = Match(sentence);
        var flags = new byte[positions.Count];
        foreach (var match in matches)
        {
            if (match.Trigger.Asserts)
            {
                new TriggerScope(sentence, matches, match).Mark(flags);
            }
        }

        for (int t = 0; t < flags.Length; t++)
        {
            if (flags[t] != 0)
            {
                result[positions[t]] = Priority.First(a => (flags[t] & (1 << (int)a)) != 0);
            }
        }

        return result;
    }

    private int[] Words(ReadOnlySpan<char> text, IReadOnlyList<TokenSpan> spans, List<int> positions)
    {
        var words = new int[positions.Count];
        Span<char> buffer = stackalloc char[MaxWordLength];
        for (int t = 0; t < words.Length; t++)
        {
            var span = spans[positions[t]];
            words[t] = span.Length <= MaxWordLength && wordIds.TryGetValue(buffer[..Tokenizer.Lower(text.Slice(span.Start, span.Length), buffer)], out int id) ? id : -1;
        }

        return words;
    }

    private static GapKind[] Gaps(ReadOnlySpan<char> text, IReadOnlyList<TokenSpan> spans, List<int> positions)
    {
        var gaps = new GapKind[positions.Count];
        gaps[0] = GapKind.Sentence;
        for (int t = 1; t < gaps.Length; t++)
        {
            var previous = spans[positions[t - 1]];
            int start = spans[positions[t]].Start;
            gaps[t] = start > previous.End ? TokenGaps.Classify(text, previous.Start, previous.End, start) : GapKind.Join;
        }

        return gaps;
    }

    /// <summary>The lexicon's phrases in the text, left to right, the longest at each start (so they never overlap).</summary>
    private TriggerMatches Match(TokenSentence sentence)
    {
        var matches = new TriggerMatches(sentence.Count);
        for (int t = 0; t < sentence.Count;)
        {
            int found = Longest(sentence, t);
            if (found < 0)
            {
                t++;
                continue;
            }

            matches.Add(t, phrases[found].Length, triggers[found]);
            t += phrases[found].Length;
        }

        return matches;
    }

    private int Longest(TokenSentence sentence, int start)
    {
        if (sentence.Words[start] < 0)
        {
            return -1;
        }

        foreach (int p in byFirstWord[sentence.Words[start]])
        {
            if (Matches(sentence, start, phrases[p]))
            {
                return p;
            }
        }

        return -1;
    }

    private static bool Matches(TokenSentence sentence, int start, int[] phrase)
    {
        if (start + phrase.Length > sentence.Count)
        {
            return false;
        }

        for (int k = 1; k < phrase.Length; k++)
        {
            if (sentence.Words[start + k] != phrase[k] || sentence.Gaps[start + k] != GapKind.Join)
            {
                return false;
            }
        }

        return true;
    }
}
