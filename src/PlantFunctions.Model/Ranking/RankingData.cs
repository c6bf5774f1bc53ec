using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Ranking;

/// <summary>
/// The ranker's queries built from the priors: per code its relevant tokens with graded relevance (log-spaced over the
/// MI rank, finest at the top), split into training and held-out tokens, plus fixed held-out evaluation lists.
/// </summary>
internal sealed class RankingData
{
    private readonly RankerOptions options;
    private readonly int vocabularySize;
    private readonly double[]? frequencyCdf;

    internal RankingData(RelevancePriors priors, IReadOnlyList<int>? tokenDocumentFrequency, RankerOptions options)
    {
        this.options = options;
        vocabularySize = priors.VocabularySize;
        var random = new Random(options.Seed);
        int codes = priors.Labels;
        Train = new (int Token, float Grade)[codes][];
        HeldOut = new (int Token, float Grade)[codes][];
        Relevant = new HashSet<int>[codes];
        for (int code = 0; code < codes; code++)
        {
            var tokens = priors.TokensOf(code).ToArray();
            var graded = tokens.Select((t, rank) => (t, Grade(rank, priors.TopTokens))).ToArray();
            Relevant[code] = [.. tokens];
            int hold = (int)Math.Round(graded.Length * options.HoldOutFraction);
            var shuffled = graded.OrderBy(_ => random.Next()).ToArray();
            HeldOut[code] = [.. shuffled.Take(hold).OrderByDescending(g => g.Item2)];
            Train[code] = [.. shuffled.Skip(hold).OrderByDescending(g => g.Item2)];
        }

        if (tokenDocumentFrequency is not null)
        {
            frequencyCdf = new double[vocabularySize];
            double total = 0;
            for (int t = 0; t < vocabularySize; t++)
            {
                total += t < Vocabulary.Reserved.Count ? 0 : tokenDocumentFrequency[t];
                frequencyCdf[t] = total;
            }
        }

        EvaluationNegatives = new int[codes][];
        var evaluationRandom = new Random(options.Seed + 1);
        for (int code = 0; code < codes; code++)
        {
            EvaluationNegatives[code] = HeldOut[code].Length == 0 ? [] : SampleNegatives(code, options.EvaluationNegatives, evaluationRandom);
        }
    }

    /// <summary>Per code, its training tokens and grades, best first.</summary>
    internal (int Token, float Grade)[][] Train { get; }

    /// <summary>Per code, its held-out tokens and grades.</summary>
    internal (int Token, float Grade)[][] HeldOut { get; }

    /// <summary>Per code, all its relevant tokens (never sampled as negatives).</summary>
    internal HashSet<int>[] Relevant { get; }

    /// <summary>Per code with held-out tokens, the fixed irrelevant tokens of its evaluation list.</summary>
    internal int[][] EvaluationNegatives { get; }

    /// <summary>Grade of MI rank r (0-based) among <paramref name="kept"/> tokens: Grades at the top, 1 at the bottom.</summary>
    internal float Grade(int rank, int kept) =>
        1 + (float)Math.Floor((options.Grades - 1) * (1 - (Math.Log(1 + rank) / Math.Log(1 + Math.Max(kept, 1)))) + 1e-9);

    /// <summary>Irrelevant tokens for a code: half uniform over the vocabulary, half by document frequency when known.</summary>
    internal int[] SampleNegatives(int code, int count, Random random)
    {
        var result = new int[count];
        int reserved = Vocabulary.Reserved.Count;
        int span = vocabularySize - reserved;
        if (span <= Relevant[code].Count)
        {
            return [];
        }

        for (int i = 0; i < count; i++)
        {
            int token;
            do
            {
                token = frequencyCdf is not null && i % 2 == 1
                    ? SampleByFrequency(random)
                    : reserved + random.Next(span);
            }
            while (Relevant[code].Contains(token));
            result[i] = token;
        }

        return result;
    }

    private int SampleByFrequency(Random random)
    {
        double target = random.NextDouble() * frequencyCdf![^1];
        int index = Array.BinarySearch(frequencyCdf, target);
        return Math.Clamp(index < 0 ? ~index : index, Vocabulary.Reserved.Count, vocabularySize - 1);
    }
}
