using System.Text;

namespace PlantFunctions.Model.Priors;

/// <summary>
/// Per code, its most relevant token types with their association values, best first, stored sparse (compressed rows
/// by code): never a dense vocabulary x codes matrix. The first <see cref="StaticTopTokens"/> of each code form the
/// static planted attention S; all <see cref="TopTokens"/> are the ranker's graded candidates.
/// </summary>
public sealed class RelevancePriors
{
    private const string Magic = "PLANTPRI";
    private const int SchemaVersion = 1;
    private readonly int[] codeOffsets;
    private readonly int[] tokens;
    private readonly float[] values;

    /// <summary>Creates priors from compressed rows (offsets of length labels+1).</summary>
    public RelevancePriors(RelevanceMeasure measure, int vocabularySize, int staticTopTokens, int topTokens,
        int[] codeOffsets, int[] tokens, float[] values, string vocabularyHash, string labelHash, int documents)
    {
        if (codeOffsets.Length == 0 || codeOffsets[^1] != tokens.Length || tokens.Length != values.Length)
        {
            throw new InvalidDataException("relevance priors: offsets, tokens and values do not line up");
        }

        Measure = measure;
        VocabularySize = vocabularySize;
        StaticTopTokens = staticTopTokens;
        TopTokens = topTokens;
        this.codeOffsets = codeOffsets;
        this.tokens = tokens;
        this.values = values;
        VocabularyHash = vocabularyHash;
        LabelHash = labelHash;
        Documents = documents;
    }

    /// <summary>The association measure of <see cref="ValuesOf"/>.</summary>
    public RelevanceMeasure Measure { get; }

    /// <summary>Vocabulary size the token ids refer to.</summary>
    public int VocabularySize { get; }

    /// <summary>Number of codes.</summary>
    public int Labels => codeOffsets.Length - 1;

    /// <summary>Tokens per code in the static planted attention.</summary>
    public int StaticTopTokens { get; }

    /// <summary>Tokens kept per code.</summary>
    public int TopTokens { get; }

    /// <summary>Hash of the vocabulary the ids refer to.</summary>
    public string VocabularyHash { get; }

    /// <summary>Hash of the label set the codes refer to.</summary>
    public string LabelHash { get; }

    /// <summary>Number of training documents the counts came from.</summary>
    public int Documents { get; }

    /// <summary>Stored (code, token) pairs.</summary>
    public int Pairs => tokens.Length;

    /// <summary>A code's kept tokens, most relevant first.</summary>
    public ReadOnlySpan<int> TokensOf(int code) => tokens.AsSpan(codeOffsets[code], codeOffsets[code + 1] - codeOffsets[code]);

    /// <summary>A code's kept values, aligned with <see cref="TokensOf"/>.</summary>
    public ReadOnlySpan<float> ValuesOf(int code) => values.AsSpan(codeOffsets[code], codeOffsets[code + 1] - codeOffsets[code]);

    /// <summary>
    /// The inverse of the first <paramref name="perCode"/> tokens of every code: for each token id, the codes it is a
    /// top token of and the value. Used to score or attend in time proportional to a note's tokens.
    /// </summary>
    public TokenCodeIndex Inverse(int perCode)
    {
        var counts = new int[VocabularySize + 1];
        for (int l = 0; l < Labels; l++)
        {
            foreach (int t in TokensOf(l)[..Math.Min(perCode, TokensOf(l).Length)])
            {
                counts[t + 1]++;
            }
        }

        for (int t = 0; t < VocabularySize; t++)
        {
            counts[t + 1] += counts[t];
        }

        var codes = new int[counts[^1]];
        var weights = new float[counts[^1]];
        var fill = counts[..^1];
        for (int l = 0; l < Labels; l++)
        {
            var kept = TokensOf(l)[..Math.Min(perCode, TokensOf(l).Length)];
            var keptValues = ValuesOf(l);
            for (int i = 0; i < kept.Length; i++)
            {
                int slot = fill[kept[i]]++;
                codes[slot] = l;
                weights[slot] = keptValues[i];
            }
        }

        return new TokenCodeIndex(counts, codes, weights);
    }

    /// <summary>
    /// Priors whose rows come from <paramref name="second"/> for the codes <paramref name="takeSecond"/> picks and from
    /// <paramref name="first"/> for the rest (same vocabulary, labels and settings).
    /// </summary>
    public static RelevancePriors Merge(RelevancePriors first, RelevancePriors second, Func<int, bool> takeSecond)
    {
        if (first.VocabularyHash != second.VocabularyHash || first.LabelHash != second.LabelHash || first.Labels != second.Labels)
        {
            throw new ArgumentException("only priors over the same vocabulary and labels can be merged", nameof(second));
        }

        var offsets = new int[first.Labels + 1];
        var tokens = new List<int>();
        var values = new List<float>();
        for (int code = 0; code < first.Labels; code++)
        {
            var source = takeSecond(code) ? second : first;
            tokens.AddRange(source.TokensOf(code));
            values.AddRange(source.ValuesOf(code));
            offsets[code + 1] = tokens.Count;
        }

        return new RelevancePriors(first.Measure, first.VocabularySize, first.StaticTopTokens, first.TopTokens, offsets, [.. tokens], [.. values],
            first.VocabularyHash, first.LabelHash, Math.Max(first.Documents, second.Documents));
    }

    /// <summary>
    /// The priors of a label set that extends <paramref name="trained"/>'s: its codes' rows from <paramref name="trained"/>,
    /// the added codes' rows (those after them) from <paramref name="extended"/>, which names the extended label set.
    /// </summary>
    public static RelevancePriors Extend(RelevancePriors trained, RelevancePriors extended)
    {
        if (trained.VocabularyHash != extended.VocabularyHash || extended.Labels < trained.Labels)
        {
            throw new ArgumentException("only priors over the same vocabulary and a label set that extends the trained one can extend them", nameof(extended));
        }

        var offsets = new int[extended.Labels + 1];
        var tokens = new List<int>(trained.Pairs + extended.Pairs);
        var values = new List<float>(trained.Pairs + extended.Pairs);
        for (int code = 0; code < extended.Labels; code++)
        {
            var source = code < trained.Labels ? trained : extended;
            tokens.AddRange(source.TokensOf(code));
            values.AddRange(source.ValuesOf(code));
            offsets[code + 1] = tokens.Count;
        }

        return new RelevancePriors(trained.Measure, trained.VocabularySize, trained.StaticTopTokens, trained.TopTokens, offsets, [.. tokens], [.. values],
            trained.VocabularyHash, extended.LabelHash, trained.Documents);
    }

    /// <summary>Writes the priors in a compact binary form with a header that names the vocabulary and labels.</summary>
    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Encoding.ASCII.GetBytes(Magic));
        writer.Write(SchemaVersion);
        writer.Write((int)Measure);
        writer.Write(VocabularySize);
        writer.Write(StaticTopTokens);
        writer.Write(TopTokens);
        writer.Write(Documents);
        writer.Write(VocabularyHash);
        writer.Write(LabelHash);
        writer.Write(codeOffsets.Length);
        foreach (int offset in codeOffsets)
        {
            writer.Write(offset);
        }

        writer.Write(tokens.Length);
        foreach (int token in tokens)
        {
            writer.Write(token);
        }

        foreach (float value in values)
        {
            writer.Write(value);
        }
    }

    /// <summary>Reads priors written by <see cref="Save"/>; a truncated or foreign file fails with a clear error.</summary>
    public static RelevancePriors Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (Encoding.ASCII.GetString(reader.ReadBytes(Magic.Length)) != Magic)
            {
                throw new InvalidDataException("not a relevance-priors file (bad magic)");
            }

            int schema = reader.ReadInt32();
            if (schema != SchemaVersion)
            {
                throw new InvalidDataException($"relevance-priors schema {schema} is not supported (expected {SchemaVersion})");
            }

            var measure = (RelevanceMeasure)reader.ReadInt32();
            int vocabularySize = reader.ReadInt32(), staticTop = reader.ReadInt32(), top = reader.ReadInt32(), documents = reader.ReadInt32();
            string vocabularyHash = reader.ReadString(), labelHash = reader.ReadString();
            var offsets = new int[reader.ReadInt32()];
            for (int i = 0; i < offsets.Length; i++)
            {
                offsets[i] = reader.ReadInt32();
            }

            var tokenIds = new int[reader.ReadInt32()];
            for (int i = 0; i < tokenIds.Length; i++)
            {
                tokenIds[i] = reader.ReadInt32();
            }

            var values = new float[tokenIds.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = reader.ReadSingle();
            }

            return new RelevancePriors(measure, vocabularySize, staticTop, top, offsets, tokenIds, values, vocabularyHash, labelHash, documents);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("relevance-priors file is truncated");
        }
    }
}
