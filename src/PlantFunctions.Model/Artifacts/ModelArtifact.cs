using System.IO.Compression;
using System.Text.Json;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Ranking;
using PlantFunctions.Model.Serialization;
using PlantFunctions.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Artifacts;

/// <summary>
/// A model file: one zip holding manifest.json, vocabulary.json, labels.json (codes and descriptions), priors.bin (the
/// MI priors) and weights.bin (the classifier's state). Zip CRCs catch corruption; the manifest's hashes must match
/// the vocabulary and labels, the priors must name both, and weights load with strict names -- any mismatch or a
/// truncated file fails with a clear <see cref="InvalidDataException"/>.
/// </summary>
public sealed class ModelArtifact : IDisposable
{
    /// <summary>File extension of model files.</summary>
    public const string Extension = ".plant";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private ModelArtifact(ModelManifest manifest, Vocabulary vocabulary, LabelSet labels, RelevancePriors priors, PlantClassifier model)
    {
        Manifest = manifest;
        Vocabulary = vocabulary;
        Labels = labels;
        Priors = priors;
        Model = model;
        StaticAttention = manifest.Training.StaticAttention ? new StaticAttention(priors, manifest.Network.StaticTopTokens, manifest.Training.StaticPerNote) : null;
    }

    /// <summary>What the file says about itself.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The codes and their descriptions.</summary>
    public LabelSet Labels { get; }

    /// <summary>The MI priors.</summary>
    public RelevancePriors Priors { get; }

    /// <summary>The classifier (on the CPU after loading; move it with <c>to(device)</c>).</summary>
    public PlantClassifier Model { get; }

    /// <summary>S built from the priors, or <c>null</c> when the model was trained without it.</summary>
    public StaticAttention? StaticAttention { get; }

    /// <summary>Builds an untrained classifier of the given shape (also used by training).</summary>
    public static PlantClassifier CreateModel(NetworkConfig network, int vocabularySize, LabelSet labels, Training.TrainingOptions training)
    {
        int codes = labels.Count;
        var encoder = new AwdLstm(vocabularySize, network.EmbeddingSize, network.HiddenSize, network.Layers);
        RelevanceScorer ranker = network.Ranker == RankerKind.Dot
            ? new DotScorer(vocabularySize, codes, network.EmbeddingSize)
            : new FeedForwardScorer(vocabularySize, codes, network.EmbeddingSize, network.RankerHidden);
        var switches = new DecoderSwitches(training.StaticAttention, training.PlantedAttention, training.Inattention, network.InattentionK,
            training.StaticMassTerm, training.PaperInattention, training.AssertionTerm);
        var categories = training.CategorySharing ? CodeCategories.Of(labels.Codes) : null;
        return new PlantClassifier(encoder, new PlantDecoder(codes, network.EmbeddingSize, ranker, switches, categories), network);
    }

    /// <summary>Writes a model file.</summary>
    public static byte[] Write(ModelManifest manifest, Vocabulary vocabulary, LabelSet labels, RelevancePriors priors, PlantClassifier model)
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            ZipParts.Write(zip, "manifest.json", s => JsonSerializer.Serialize(s, manifest, Json));
            ZipParts.Write(zip, "vocabulary.json", vocabulary.Save);
            ZipParts.Write(zip, "labels.json", labels.Save);
            ZipParts.Write(zip, "priors.bin", priors.Save);
            byte[] weights = ZipParts.Weights(model);
            ZipParts.Write(zip, "weights.bin", s => s.Write(weights));
        }

        return output.ToArray();
    }

    /// <summary>Reads only a model file's manifest (name, version, metrics), without loading the network.</summary>
    public static ModelManifest ReadManifest(Stream file) => Checked(() =>
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        return OpenManifest(zip);
    });

    /// <summary>Reads and checks a model file; the model is left on the CPU in evaluation mode.</summary>
    public static ModelArtifact Read(Stream file) => Checked(() =>
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        var manifest = OpenManifest(zip);
        if (manifest.SchemaVersion is < 1 or > ModelManifest.CurrentSchema || manifest.Kind != "plant")
        {
            throw new InvalidDataException($"model file: schema {manifest.SchemaVersion} of kind '{manifest.Kind}' is not supported (this build reads schemas 1 to {ModelManifest.CurrentSchema}, kind 'plant')");
        }

        var vocabulary = Open(zip, "vocabulary.json", Vocabulary.Load);
        var labels = Open(zip, "labels.json", LabelSet.Load);
        var priors = Open(zip, "priors.bin", RelevancePriors.Load);
        if (vocabulary.Hash != manifest.VocabularyHash || priors.VocabularyHash != vocabulary.Hash)
        {
            throw new InvalidDataException("model file: the vocabulary does not match the one the model was trained with");
        }

        if (labels.Hash != manifest.LabelHash || priors.LabelHash != labels.Hash)
        {
            throw new InvalidDataException("model file: the label set does not match the one the model was trained with");
        }

        var model = CreateModel(manifest.Network, vocabulary.Count, labels, manifest.Training);
        try
        {
            var weights = Open(zip, "weights.bin", ZipParts.Bytes);
            model.load(new MemoryStream(weights), strict: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            model.Dispose();
            throw new InvalidDataException($"model file: the weights do not fit the described network ({ex.Message})", ex);
        }

        model.eval();
        return new ModelArtifact(manifest, vocabulary, labels, priors, model);
    });

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();

    private static T Open<T>(ZipArchive zip, string name, Func<Stream, T> read) => ZipParts.Read(zip, name, "model file", read);

    private static ModelManifest OpenManifest(ZipArchive zip) =>
        (Open(zip, "manifest.json", s => JsonSerializer.Deserialize<ModelManifest>(s, Json)) ?? throw new InvalidDataException("model file: manifest.json is empty")).Upgraded();

    /// <summary>Runs a read with the model file's error wording: every failure is an <see cref="InvalidDataException"/> naming the file.</summary>
    private static T Checked<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith("model file", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"model file is corrupt or truncated: {ex.Message}", ex);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"model file: manifest.json is not valid: {ex.Message}", ex);
        }
    }
}
