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

    /// <summary>Builds S from the priors' first <paramref name="tokensPerCode"/> tokens of each code.</summary>
    public StaticAttention(RelevancePriors priors, int tokensPerCode)
    {
        mass = new float[priors.Labels];
        for (int code = 0; code < priors.Labels; code++)
        {
            var values = priors.ValuesOf(code);
            mass[code] = values[..Math.Min(tokensPerCode, values.Length)].ToArray().Sum();
        }

        index = priors.Inverse(tokensPerCode);
        TokensPerCode = tokensPerCode;
    }

    /// <summary>Tokens per code.</summary>
    public int TokensPerCode { get; }

    /// <summary>Per code, the sum of its kept MI values.</summary>
    public IReadOnlyList<float> Mass => mass;

    /// <summary>
    /// The S entries of a note: (position, code, weight) for every position whose token is a static token of some code.
    /// </summary>
    public List<(int Position, int Code, float Weight)> Entries(ReadOnlySpan<int> tokens)
    {
        var counts = new Dictionary<int, int>();
        foreach (int t in tokens)
        {
            if (index.CodesOf(t).Length > 0)
            {
                counts[t] = counts.GetValueOrDefault(t) + 1;
            }
        }

        var entries = new List<(int, int, float)>();
        for (int position = 0; position < tokens.Length; position++)
        {
            int token = tokens[position];
            var codes = index.CodesOf(token);
            var values = index.ValuesOf(token);
            for (int i = 0; i < codes.Length; i++)
            {
                if (mass[codes[i]] > 0)
                {
                    entries.Add((position, codes[i], values[i] / mass[codes[i]] / counts[token]));
                }
            }
        }

        return entries;
    }
}
