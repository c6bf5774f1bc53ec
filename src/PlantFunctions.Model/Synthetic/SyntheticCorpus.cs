using System.Text;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Synthetic;

/// <summary>
/// A deterministic generator of coded notes with planted word-code associations and Zipf-skewed code frequencies.
/// Each code owns a few signal words drawn from the vocabulary's middle band (some shared with the other codes of
/// its group, as ICD codes of one category share words); a note carrying the code contains some of
/// them among Zipf-distributed background words. Notes are generated lazily and independently (note i depends only on
/// the options and i), so a corpus of any size streams in constant memory.
/// </summary>
public sealed class SyntheticCorpus
{
    private readonly SyntheticCorpusOptions options;
    private readonly string[] words;
    private readonly double[] wordCdf;
    private readonly double[] codeCdf;
    private readonly int[][] signalWords;

    /// <summary>Prepares the word list, the frequency tables and each code's signal words.</summary>
    public SyntheticCorpus(SyntheticCorpusOptions options)
    {
        this.options = options;
        words = [.. Enumerable.Range(0, options.VocabularySize).Select(WordFor)];
        wordCdf = ZipfCdf(options.VocabularySize, options.WordZipfExponent);
        codeCdf = ZipfCdf(options.Codes, options.CodeZipfExponent);
        var random = new Random(options.Seed);
        int bandStart = Math.Min(options.VocabularySize - 1, options.VocabularySize / 20);
        int bandSize = Math.Max(1, options.VocabularySize - bandStart);
        int groups = (options.Codes + options.CodeGroupSize - 1) / options.CodeGroupSize;
        int shared = Math.Min(options.SharedSignalWords, options.SignalWordsPerCode - 1);
        var groupWords = new int[groups][];
        for (int g = 0; g < groups; g++)
        {
            groupWords[g] = [.. Enumerable.Range(0, shared).Select(_ => bandStart + random.Next(bandSize))];
        }

        signalWords = new int[options.Codes][];
        for (int c = 0; c < options.Codes; c++)
        {
            var own = Enumerable.Range(0, options.SignalWordsPerCode - shared).Select(_ => bandStart + random.Next(bandSize));
            signalWords[c] = [.. own, .. groupWords[c % groups]];
        }

        Labels = new LabelSet(
            [.. Enumerable.Range(0, options.Codes).Select(CodeFor)],
            [.. Enumerable.Range(0, options.Codes).Select(c => "synthetic condition of " + string.Join(' ', signalWords[c].Select(w => words[w])))]);
    }

    /// <summary>All codes in rank order (most frequent first), described by their signal words.</summary>
    public LabelSet Labels { get; }

    /// <summary>The options this corpus was generated from.</summary>
    public SyntheticCorpusOptions Options => options;

    /// <summary>The planted signal words of a code (for tests and evaluation of the priors).</summary>
    public IReadOnlyList<string> SignalWordsOf(int code) => [.. signalWords[code].Select(w => words[w])];

    /// <summary>The notes in order.</summary>
    public IEnumerable<ClinicalNote> Notes() => Notes(0, options.Documents);

    /// <summary>Notes <paramref name="start"/> .. start+count-1.</summary>
    public IEnumerable<ClinicalNote> Notes(int start, int count)
    {
        for (int i = start; i < start + count && i < options.Documents; i++)
        {
            yield return Note(i);
        }
    }

    /// <summary>Note number <paramref name="index"/>.</summary>
    public ClinicalNote Note(int index)
    {
        var random = new Random(MixSeed(options.Seed, index));
        int length = Math.Max(5, (int)Math.Round(options.MedianWords * Math.Exp(0.45 * Gaussian(random))));
        int codeCount = Math.Clamp((int)Math.Round(options.MedianCodesPerDocument * Math.Exp(0.4 * Gaussian(random))), 1, options.Codes);
        var codes = new SortedSet<int>();
        while (codes.Count < codeCount)
        {
            codes.Add(Sample(codeCdf, random));
        }

        var tokens = new int[length];
        for (int t = 0; t < length; t++)
        {
            tokens[t] = Sample(wordCdf, random);
        }

        foreach (int code in codes)
        {
            for (int k = 0; k < options.SignalOccurrences; k++)
            {
                var signal = signalWords[code];
                tokens[random.Next(length)] = signal[random.Next(signal.Length)];
            }
        }

        var text = new StringBuilder(length * 8);
        for (int t = 0; t < length; t++)
        {
            text.Append(words[tokens[t]]);
            text.Append(t % 13 == 12 ? ". " : " ");
        }

        return new ClinicalNote($"syn-{index:D6}", text.ToString().TrimEnd(), [.. codes.Select(CodeFor)]);
    }

    /// <summary>Code name of rank <paramref name="rank"/>: "S" + five digits, so codes sort in rank order.</summary>
    public static string CodeFor(int rank) => $"S{rank:D5}";

    /// <summary>A pronounceable alphabetic word, unique per index (consonant-vowel syllables).</summary>
    public static string WordFor(int index)
    {
        const string consonants = "bdfgklmnprstvz";
        const string vowels = "aeiou";
        var word = new StringBuilder();
        int n = index;
        do
        {
            word.Append(consonants[n % consonants.Length]);
            n /= consonants.Length;
            word.Append(vowels[n % vowels.Length]);
            n /= vowels.Length;
        }
        while (n > 0);
        return word.ToString();
    }

    /// <summary>A per-note seed that is the same on every run (HashCode.Combine is randomised per process).</summary>
    private static int MixSeed(int seed, int index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    private static double[] ZipfCdf(int n, double exponent)
    {
        var cdf = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += 1.0 / Math.Pow(i + 1, exponent);
            cdf[i] = total;
        }

        for (int i = 0; i < n; i++)
        {
            cdf[i] /= total;
        }

        return cdf;
    }

    private static int Sample(double[] cdf, Random random)
    {
        int index = Array.BinarySearch(cdf, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, cdf.Length - 1);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
