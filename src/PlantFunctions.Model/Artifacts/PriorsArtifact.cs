using System.IO.Compression;
using System.Text.Json;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Serialization;
using PlantFunctions.Model.Text;
using TorchSharp;

namespace PlantFunctions.Model.Artifacts;

/// <summary>
/// The relevance priors on their own, as written by <c>plant priors</c>: one zip with manifest.json (schema, measure,
/// ranker settings and report, hashes), vocabulary.json, labels.json, priors.bin and ranker.bin. Reads back bit-exactly;
/// a file whose parts do not match each other is refused.
/// </summary>
public sealed class PriorsArtifact : IDisposable
{
    /// <summary>The schema this build writes and reads.</summary>
    public const int CurrentSchema = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Bundles the parts.</summary>
    public PriorsArtifact(Vocabulary vocabulary, LabelSet labels, RelevancePriors priors, RelevanceScorer ranker, RankerOptions rankerOptions, RankingReport? report)
    {
        Vocabulary = vocabulary;
        Labels = labels;
        Priors = priors;
        Ranker = ranker;
        RankerOptions = rankerOptions;
        Report = report;
    }

    /// <summary>The vocabulary the token ids refer to.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The codes.</summary>
    public LabelSet Labels { get; }

    /// <summary>The MI priors.</summary>
    public RelevancePriors Priors { get; }

    /// <summary>The trained ranker.</summary>
    public RelevanceScorer Ranker { get; }

    /// <summary>How the ranker was built and trained.</summary>
    public RankerOptions RankerOptions { get; }

    /// <summary>The ranker's nDCG report, when it was trained.</summary>
    public RankingReport? Report { get; }

    /// <summary>A ranker of the given kind and size (untrained).</summary>
    public static RelevanceScorer CreateRanker(RankerOptions options, int vocabularySize, int codes) => options.Kind == RankerKind.Dot
        ? new DotScorer(vocabularySize, codes, options.Dimension)
        : new FeedForwardScorer(vocabularySize, codes, options.Dimension, options.Hidden);

    /// <summary>Writes the artifact.</summary>
    public byte[] ToBytes()
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var manifest = new Manifest(CurrentSchema, Priors.Measure, Priors.TopTokens, Priors.StaticTopTokens, Priors.Documents,
                Vocabulary.Hash, Labels.Hash, RankerOptions, Report);
            ZipParts.Write(zip, "manifest.json", s => JsonSerializer.Serialize(s, manifest, Json));
            ZipParts.Write(zip, "vocabulary.json", Vocabulary.Save);
            ZipParts.Write(zip, "labels.json", Labels.Save);
            ZipParts.Write(zip, "priors.bin", Priors.Save);
            byte[] weights = ZipParts.Weights(Ranker);
            ZipParts.Write(zip, "ranker.bin", s => s.Write(weights));
        }

        return output.ToArray();
    }

    /// <summary>Reads an artifact written by <see cref="ToBytes"/>.</summary>
    public static PriorsArtifact Read(Stream stream)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var manifest = Open(zip, "manifest.json", s => JsonSerializer.Deserialize<Manifest>(s, Json))
                           ?? throw new InvalidDataException("priors file: manifest.json is empty");
            if (manifest.SchemaVersion != CurrentSchema)
            {
                throw new InvalidDataException($"priors file: schema {manifest.SchemaVersion} is not supported (expected {CurrentSchema})");
            }

            var vocabulary = Open(zip, "vocabulary.json", Vocabulary.Load);
            var labels = Open(zip, "labels.json", LabelSet.Load);
            var priors = Open(zip, "priors.bin", RelevancePriors.Load);
            if (vocabulary.Hash != manifest.VocabularyHash || priors.VocabularyHash != vocabulary.Hash || labels.Hash != manifest.LabelHash || priors.LabelHash != labels.Hash)
            {
                throw new InvalidDataException("priors file: the vocabulary, labels and priors do not belong together");
            }

            var ranker = CreateRanker(manifest.Ranker, vocabulary.Count, labels.Count);
            var weights = Open(zip, "ranker.bin", ZipParts.Bytes);
            ranker.load(new MemoryStream(weights), strict: true);
            return new PriorsArtifact(vocabulary, labels, priors, ranker, manifest.Ranker, manifest.Report);
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith("priors file", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"priors file is corrupt or truncated: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Ranker.Dispose();

    private static T Open<T>(ZipArchive zip, string name, Func<Stream, T> read) => ZipParts.Read(zip, name, "priors file", read);

    private sealed record Manifest(int SchemaVersion, RelevanceMeasure Measure, int TopTokens, int StaticTopTokens, int Documents,
        string VocabularyHash, string LabelHash, RankerOptions Ranker, RankingReport? Report);
}
