using PlantFunctions.Model.Priors;

namespace PlantFunctions.Model.Networks;

/// <summary>
/// The static planted attention S (paper eq. 7) as a sparse map: token id -> (code, weight). A code's weights are its
/// top-K MI values normalised to sum to 1 over the code's K tokens; within a note, a token type's weight is shared
/// equally by its occurrences, so S^T 1 for a code is the fraction of its MI mass present in the note (binary presence,
/// as in the prior-only scorer) and <see cref="Mass"/> x that fraction is exactly the prior-only score.
/// </summary>
public sealed class StaticAttention
{
    private readonly TokenCodeIndex index;
    private readonly float[] mass;

    /// <summary>
    /// Builds S from the priors. Global (default): each code attends to its <paramref name="tokensPerCode"/> tokens of
    /// highest MI wherever they occur. Per note (<paramref name="perNote"/>, the authors' form): each code attends to the
    /// note's own <paramref name="tokensPerCode"/> distinct tokens of highest MI among all the code's stored tokens, so a
    /// note holding none of its global top tokens still gets S. Weights are MI / the code's global top mass either way,
    /// so S^T 1 is at most 1 and equals the prior-only score's fraction in the global form.
    /// </summary>
    public StaticAttention(RelevancePriors priors, int tokensPerCode, bool perNote = false)
    {
        mass = new float[priors.Labels];
        for (int code = 0; code < priors.Labels; code++)
        {
            var values = priors.ValuesOf(code);
            mass[code] = values[..Math.Min(tokensPerCode, values.Length)].ToArray().Sum();
        }

        index = priors.Inverse(perNote ? priors.TopTokens : tokensPerCode);
        TokensPerCode = tokensPerCode;
        PerNote = perNote;
    }

    /// <summary>Per-note selection of each code's tokens (the authors' form) instead of the global top tokens.</summary>
    public bool PerNote { get; }

    /// <summary>Tokens per code.</summary>
    public int TokensPerCode { get; }

    /// <summary>Per code, the sum of its kept MI values.</summary>
    public IReadOnlyList<float> Mass => mass;

    /// <summary>
    /// The S entries of a note: (position, code, weight) for every position whose token is a static token of some code:
    /// <see cref="TokenEntries"/> at each of the token's occurrences.
    /// </summary>
    public List<(int Position, int Code, float Weight)> Entries(ReadOnlySpan<int> tokens)
    {
        var byToken = TokenEntries(tokens).GroupBy(e => e.Token).ToDictionary(g => g.Key, g => g.ToList());
        var entries = new List<(int, int, float)>();
        for (int position = 0; position < tokens.Length; position++)
        {
            foreach (var (_, code, weight) in byToken.GetValueOrDefault(tokens[position]) ?? [])
            {
                entries.Add((position, code, weight));
            }
        }

        return entries;
    }

    /// <summary>
    /// The S entries of a note per distinct token, as <see cref="Entries"/> gives them per position: (token, code, weight of
    /// one occurrence), tokens in order of first occurrence. Work grows with the note's distinct tokens, not its length.
    /// </summary>
    public List<(int Token, int Code, float Weight)> TokenEntries(ReadOnlySpan<int> tokens)
    {
        var counts = new Dictionary<int, int>();
        var order = new List<int>();
        foreach (int t in tokens)
        {
            if (index.CodesOf(t).Length == 0)
            {
                continue;
            }

            if (counts.TryAdd(t, 1))
            {
                order.Add(t);
            }
            else
            {
                counts[t]++;
            }
        }

        var kept = PerNote ? new KeptTokens(mass.Length, TokensPerCode, order, index) : null;
        var entries = new List<(int, int, float)>();
        foreach (int token in order)
        {
            var codes = index.CodesOf(token);
            var values = index.ValuesOf(token);
            for (int i = 0; i < codes.Length; i++)
            {
                if (mass[codes[i]] > 0 && (kept is null || kept.Holds(codes[i], token)))
                {
                    entries.Add((token, codes[i], values[i] / mass[codes[i]] / counts[token]));
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// Per code touched by the note, the note's <c>k</c> distinct tokens of highest MI among the code's stored ones (higher
    /// value first, then lower token id), in flat arrays filled in one pass over the note's distinct tokens.
    /// </summary>
    private sealed class KeptTokens
    {
        private readonly int k;
        private readonly int[] blockOf;
        private readonly List<float> values = [];
        private readonly List<int> tokens = [];

        internal KeptTokens(int codes, int k, List<int> noteTokens, TokenCodeIndex index)
        {
            this.k = k;
            blockOf = new int[codes];
            Array.Fill(blockOf, -1);
            foreach (int token in noteTokens)
            {
                var codeIds = index.CodesOf(token);
                var mi = index.ValuesOf(token);
                for (int i = 0; i < codeIds.Length; i++)
                {
                    Offer(codeIds[i], mi[i], token);
                }
            }
        }

        internal bool Holds(int code, int token)
        {
            int start = blockOf[code] * k;
            for (int j = 0; j < k; j++)
            {
                if (tokens[start + j] == token)
                {
                    return true;
                }
            }

            return false;
        }

        private void Offer(int code, float value, int token)
        {
            if (blockOf[code] < 0)
            {
                blockOf[code] = values.Count / k;
                for (int j = 0; j < k; j++)
                {
                    values.Add(float.NegativeInfinity);
                    tokens.Add(-1);
                }
            }

            // Insertion into the code's sorted block of k: better = higher value, then lower token id.
            int start = blockOf[code] * k;
            int at = k;
            while (at > 0 && Better(value, token, values[start + at - 1], tokens[start + at - 1]))
            {
                at--;
            }

            if (at == k)
            {
                return;
            }

            for (int j = k - 1; j > at; j--)
            {
                values[start + j] = values[start + j - 1];
                tokens[start + j] = tokens[start + j - 1];
            }

            values[start + at] = value;
            tokens[start + at] = token;
        }

        private static bool Better(float value, int token, float otherValue, int otherToken) =>
            otherToken < 0 || value > otherValue || (value == otherValue && token < otherToken);
    }
}
