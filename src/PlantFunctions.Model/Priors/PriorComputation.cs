using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Priors;

/// <summary>
/// Computes relevance priors from a presence corpus: for each code, count co-occurring token types over the code's
/// documents only (time proportional to the code's documents x their distinct tokens), keep positively associated
/// tokens, and the top ones by the chosen measure. Codes are independent and processed in parallel; each thread owns
/// one count array of vocabulary size.
/// <para>
/// Borrowing (with <see cref="CodeFamilies"/>): a code with few notes, or none, has a noisy or empty 2x2 table. It
/// borrows the notes of its family (the other codes of its ICD category) as fractional notes of its own, each weighing
/// <see cref="PriorOptions.FamilyWeight"/> x k / (k + n) for a code seen n times (k =
/// <see cref="PriorOptions.BorrowHalfCount"/>), and its description as one more pseudo-note of weight
/// <see cref="PriorOptions.DescriptionWeight"/> holding the description's token types. The measure is then computed on
/// the weighted counts: N' = N + d, with-code' = n + b F + d, with-token' = df(t) + d [t in description],
/// with-both' = n(t) + b F(t) + d [t in description], where F counts the family's notes that do not carry the code.
/// Codes without notes always borrow; codes with notes only when <see cref="PriorOptions.BorrowForSeenCodes"/> is set.
/// </para>
/// </summary>
public static class PriorComputation
{
    /// <summary>
    /// Computes the priors; with <paramref name="families"/>, codes borrow as described on the class. Codes that
    /// <paramref name="include"/> leaves out get no tokens (for computing only some codes' rows).
    /// </summary>
    public static RelevancePriors Compute(PresenceCorpus corpus, Vocabulary vocabulary, LabelSet labels, PriorOptions options, CodeFamilies? families = null,
        Func<int, bool>? include = null)
    {
        if (families is not null && families.Codes != corpus.Labels)
        {
            throw new ArgumentException($"families cover {families.Codes} codes, the corpus has {corpus.Labels}", nameof(families));
        }

        int documents = corpus.Documents;
        var perCodeTokens = new int[corpus.Labels][];
        var perCodeValues = new float[corpus.Labels][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        Parallel.For(0, corpus.Labels, parallel, () => new Counts(corpus.VocabularySize), (code, _, counts) =>
        {
            bool borrows = families is not null && (options.BorrowForSeenCodes || corpus.DocumentsOf(code).Length == 0);
            (perCodeTokens[code], perCodeValues[code]) = include?.Invoke(code) == false ? ([], [])
                : borrows
                ? TopTokens(corpus, code, counts, documents, options, families!)
                : TopTokens(corpus, code, counts.Own, documents, options);
            return counts;
        }, _ => { });
        var offsets = new int[corpus.Labels + 1];
        for (int l = 0; l < corpus.Labels; l++)
        {
            offsets[l + 1] = offsets[l] + perCodeTokens[l].Length;
        }

        var tokens = new int[offsets[^1]];
        var values = new float[offsets[^1]];
        for (int l = 0; l < corpus.Labels; l++)
        {
            perCodeTokens[l].CopyTo(tokens, offsets[l]);
            perCodeValues[l].CopyTo(values, offsets[l]);
        }

        return new RelevancePriors(options.Measure, corpus.VocabularySize, options.StaticTopTokens, options.TopTokens,
            offsets, tokens, values, vocabulary.Hash, labels.Hash, documents);
    }

    private static (int[] Tokens, float[] Values) TopTokens(PresenceCorpus corpus, int code, int[] counts, int documents, PriorOptions options)
    {
        var codeDocuments = corpus.DocumentsOf(code);
        var touched = new List<int>();
        foreach (int document in codeDocuments)
        {
            foreach (int token in corpus.TokensOf(document))
            {
                if (counts[token]++ == 0)
                {
                    touched.Add(token);
                }
            }
        }

        var best = new TopK(options.TopTokens);
        int withCode = codeDocuments.Length;
        foreach (int token in touched)
        {
            int withBoth = counts[token];
            counts[token] = 0;
            int withToken = corpus.TokenDocumentFrequency[token];
            if (MutualInformation.PositivelyAssociated(documents, withToken, withCode, withBoth))
            {
                best.Add(token, MutualInformation.Measure(options.Measure, documents, withToken, withCode, withBoth));
            }
        }

        return best.Sorted();
    }

    /// <summary>A code's top tokens on the borrowed (weighted) counts; see the class remarks.</summary>
    private static (int[] Tokens, float[] Values) TopTokens(PresenceCorpus corpus, int code, Counts counts, int documents, PriorOptions options, CodeFamilies families)
    {
        var own = corpus.DocumentsOf(code);
        var touched = new List<int>();
        void Touch(int token)
        {
            if (counts.Own[token] == 0 && counts.Borrowed[token] == 0 && !counts.Described[token])
            {
                touched.Add(token);
            }
        }

        foreach (int document in own)
        {
            foreach (int token in corpus.TokensOf(document))
            {
                Touch(token);
                counts.Own[token]++;
            }
        }

        double borrowWeight = options.FamilyWeight * options.BorrowHalfCount / (options.BorrowHalfCount + own.Length);
        int familyNotes = 0;
        if (borrowWeight > 0)
        {
            foreach (int document in FamilyDocuments(corpus, families.FamilyOf(code), own))
            {
                familyNotes++;
                foreach (int token in corpus.TokensOf(document))
                {
                    Touch(token);
                    counts.Borrowed[token]++;
                }
            }
        }

        var description = families.DescriptionTokensOf(code);
        double descriptionWeight = description.Length > 0 ? options.DescriptionWeight : 0;
        if (descriptionWeight > 0)
        {
            foreach (int token in description)
            {
                Touch(token);
                counts.Described[token] = true;
            }
        }

        var best = new TopK(options.TopTokens);
        double total = documents + descriptionWeight;
        double withCode = own.Length + (borrowWeight * familyNotes) + descriptionWeight;
        foreach (int token in touched)
        {
            double described = counts.Described[token] ? descriptionWeight : 0;
            double withBoth = counts.Own[token] + (borrowWeight * counts.Borrowed[token]) + described;
            double withToken = corpus.TokenDocumentFrequency[token] + described;
            counts.Own[token] = 0;
            counts.Borrowed[token] = 0;
            counts.Described[token] = false;
            if (withBoth > 0 && MutualInformation.PositivelyAssociated(total, withToken, withCode, withBoth))
            {
                best.Add(token, MutualInformation.Measure(options.Measure, total, withToken, withCode, withBoth));
            }
        }

        return best.Sorted();
    }

    /// <summary>The documents carrying some code of <paramref name="family"/> but not the code whose documents are <paramref name="own"/>, ascending.</summary>
    private static SortedSet<int> FamilyDocuments(PresenceCorpus corpus, ReadOnlySpan<int> family, ReadOnlySpan<int> own)
    {
        var documents = new SortedSet<int>();
        foreach (int member in family)
        {
            foreach (int document in corpus.DocumentsOf(member))
            {
                documents.Add(document);
            }
        }

        foreach (int document in own)
        {
            documents.Remove(document);
        }

        return documents;
    }

    /// <summary>One thread's count arrays of vocabulary size: own notes, borrowed family notes, description tokens.</summary>
    private sealed class Counts(int vocabularySize)
    {
        public int[] Own { get; } = new int[vocabularySize];

        public int[] Borrowed { get; } = new int[vocabularySize];

        public bool[] Described { get; } = new bool[vocabularySize];
    }

    /// <summary>The best <c>k</c> (token, value) pairs, ties towards the lower token id.</summary>
    private sealed class TopK(int k)
    {
        // Min-heap of the best so far: the root is the weakest kept token.
        private readonly PriorityQueue<(int Token, double Value), (double Value, int NegToken)> best = new(k + 1);

        public void Add(int token, double value)
        {
            best.Enqueue((token, value), (value, -token));
            if (best.Count > k)
            {
                best.Dequeue();
            }
        }

        public (int[] Tokens, float[] Values) Sorted()
        {
            var kept = new (int Token, double Value)[best.Count];
            for (int i = kept.Length - 1; i >= 0; i--)
            {
                kept[i] = best.Dequeue();
            }

            return ([.. kept.Select(k => k.Token)], [.. kept.Select(k => (float)k.Value)]);
        }
    }
}
