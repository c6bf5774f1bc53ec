using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Model.Synthetic;

/// <summary>
/// Shape of a generated coded corpus. Defaults are small (tests); <see cref="MimicIIIFull"/> gives the shape of
/// MIMIC-III-full (~52,700 notes, 8,929 codes, median 1,375 words, median 14 codes per note).
/// </summary>
public sealed record SyntheticCorpusOptions
{
    /// <summary>Number of notes.</summary>
    [Range(1, int.MaxValue)] public int Documents { get; init; } = 200;

    /// <summary>Number of distinct background words.</summary>
    [Range(10, int.MaxValue)] public int VocabularySize { get; init; } = 2_000;

    /// <summary>Number of codes.</summary>
    [Range(1, int.MaxValue)] public int Codes { get; init; } = 50;

    /// <summary>Median note length in words (log-normal around it).</summary>
    [Range(1, int.MaxValue)] public int MedianWords { get; init; } = 200;

    /// <summary>Median number of codes per note.</summary>
    [Range(1, int.MaxValue)] public int MedianCodesPerDocument { get; init; } = 4;

    /// <summary>Planted words per code: the words a note of that code tends to contain.</summary>
    [Range(1, 100)] public int SignalWordsPerCode { get; init; } = 4;

    /// <summary>
    /// Codes come in groups (like ICD categories): codes of a group share this many of their signal words. Sharing
    /// gives the ranker structure to generalise from. 0 = every code's words are its own.
    /// </summary>
    [Range(0, 100)] public int SharedSignalWords { get; init; } = 2;

    /// <summary>Codes per group (code ranks r, r + G, r + 2G, ... form a group, so groups mix frequent and rare codes).</summary>
    [Range(1, 1_000_000)] public int CodeGroupSize { get; init; } = 4;

    /// <summary>How many planted-word occurrences a code adds to each of its notes.</summary>
    [Range(1, 100)] public int SignalOccurrences { get; init; } = 3;

    /// <summary>Zipf exponent of code frequencies (larger = more skewed, more rare codes).</summary>
    [Range(0.0, 5.0)] public double CodeZipfExponent { get; init; } = 1.0;

    /// <summary>Zipf exponent of background word frequencies.</summary>
    [Range(0.0, 5.0)] public double WordZipfExponent { get; init; } = 1.0;

    /// <summary>Seed: the same options and seed always give the same corpus.</summary>
    public int Seed { get; init; } = 17;

    /// <summary>MIMIC-III-full shape, for scale benchmarks.</summary>
    public static SyntheticCorpusOptions MimicIIIFull { get; } = new()
    {
        Documents = 52_700,
        VocabularySize = 57_000,
        Codes = 8_929,
        MedianWords = 1_375,
        MedianCodesPerDocument = 14,
        SignalWordsPerCode = 5,
        SignalOccurrences = 4,
        CodeZipfExponent = 1.1,
    };
}
