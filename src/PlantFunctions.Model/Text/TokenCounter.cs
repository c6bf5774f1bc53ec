namespace PlantFunctions.Model.Text;

/// <summary>Counts lower-cased tokens over texts without allocating a string per occurrence.</summary>
public sealed class TokenCounter
{
    private readonly Dictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly List<TokenSpan> spans = [];

    /// <summary>Number of tokens counted so far.</summary>
    public long TotalTokens { get; private set; }

    /// <summary>Distinct token types seen so far.</summary>
    public int DistinctTokens => counts.Count;

    /// <summary>Adds every kept token of <paramref name="text"/>.</summary>
    public void Add(string text)
    {
        spans.Clear();
        Tokenizer.Tokenize(text.AsSpan(), spans);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[128];
        foreach (var span in spans)
        {
            var token = text.AsSpan(span.Start, span.Length);
            if (token.Length > buffer.Length)
            {
                string longToken = token.ToString().ToLowerInvariant();
                counts[longToken] = counts.GetValueOrDefault(longToken) + 1;
                continue;
            }

            var lowered = buffer[..Tokenizer.Lower(token, buffer)];
            if (lookup.TryGetValue(lowered, out long count))
            {
                lookup[lowered] = count + 1;
            }
            else
            {
                lookup[lowered] = 1;
            }
        }

        TotalTokens += spans.Count;
    }

    /// <summary>The vocabulary: reserved ids, then tokens with at least MinCount occurrences by count (ties by text).</summary>
    public Vocabulary ToVocabulary(VocabularyOptions options)
    {
        var kept = counts
            .Where(pair => pair.Value >= options.MinCount && !Vocabulary.Reserved.Contains(pair.Key))
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(options.MaxSize - Vocabulary.Reserved.Count)
            .Select(pair => pair.Key);
        return new Vocabulary([.. Vocabulary.Reserved, .. kept]);
    }
}
