using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Priors;

/// <summary>
/// Computes relevance priors from a presence corpus: for each code, count co-occurring token types over the code's
/// documents only (time proportional to the code's documents x their distinct tokens), keep positively associated
/// tokens, and the top ones by the chosen measure. Codes are independent and processed in parallel; each thread owns
/// one count array of vocabulary size.
/// </summary>
public static class PriorComputation
{
    /// <summary>Computes the priors.</summary>
    public static RelevancePriors Compute(PresenceCorpus corpus, Vocabulary vocabulary, LabelSet labels, PriorOptions options)
    {
        int documents = corpus.Documents;
        var perCodeTokens = new int[corpus.Labels][];
        var perCodeValues = new float[corpus.Labels][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        Parallel.For(0, corpus.Labels, parallel, () => new int[corpus.VocabularySize], (code, _, counts) =>
        {
            (perCodeTokens[code], perCodeValues[code]) = TopTokens(corpus, code, counts, documents, options);
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

        // Min-heap of the best so far: the root is the weakest kept token. Ties break towards the lower token id.
        var best = new PriorityQueue<(int Token, double Value), (double Value, int NegToken)>(options.TopTokens + 1);
        int withCode = codeDocuments.Length;
        foreach (int token in touched)
        {
            int withBoth = counts[token];
            counts[token] = 0;
            int withToken = corpus.TokenDocumentFrequency[token];
            if (!MutualInformation.PositivelyAssociated(documents, withToken, withCode, withBoth))
            {
                continue;
            }

            double value = MutualInformation.Measure(options.Measure, documents, withToken, withCode, withBoth);
            best.Enqueue((token, value), (value, -token));
            if (best.Count > options.TopTokens)
            {
                best.Dequeue();
            }
        }

        var kept = new (int Token, double Value)[best.Count];
        for (int i = kept.Length - 1; i >= 0; i--)
        {
            kept[i] = best.Dequeue();
        }

        return ([.. kept.Select(k => k.Token)], [.. kept.Select(k => (float)k.Value)]);
    }
}
