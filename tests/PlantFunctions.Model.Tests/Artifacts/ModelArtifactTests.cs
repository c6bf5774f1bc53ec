using System.IO.Compression;
using System.Text.Json.Nodes;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Tests.Training;

namespace PlantFunctions.Model.Tests.Artifacts;

[Collection(TorchCollection.Name)]
public sealed class ModelArtifactTests(TinyModelFixture trained) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Read_ModelFile_HasManifestVocabularyLabelsAndStableWeightNames()
    {
        using var artifact = ModelArtifact.Read(new MemoryStream(trained.Result.ModelFile));

        Assert.Equal(ModelManifest.CurrentSchema, artifact.Manifest.SchemaVersion);
        Assert.Equal(trained.Result.Version, artifact.Manifest.Version);
        Assert.Equal(artifact.Vocabulary.Hash, artifact.Manifest.VocabularyHash);
        Assert.Equal(16, artifact.Labels.Count);
        Assert.Equal(artifact.Labels.Count, artifact.Manifest.LabelFrequencies.Count);
        Assert.InRange(artifact.Manifest.Threshold, 0f, 1f);
        var keys = artifact.Model.state_dict().Keys.ToList();
        Assert.Equal(
            ["encoder.embedding.weight", "encoder.layers.0.weight_ih_l0", "encoder.layers.0.weight_hh_l0", "encoder.layers.0.bias_ih_l0", "encoder.layers.0.bias_hh_l0",
             "encoder.layers.1.weight_ih_l0", "encoder.layers.1.weight_hh_l0", "encoder.layers.1.bias_ih_l0", "encoder.layers.1.bias_hh_l0",
             "decoder.label_attention", "decoder.boost", "decoder.bias", "decoder.static_scale",
             "decoder.ranker.tokens.weight", "decoder.ranker.codes.weight", "decoder.ranker.token_bias.weight", "decoder.ranker.code_bias.weight"],
            keys);
    }

    [Fact]
    public void Read_ModelFile_HoldsLogitThresholdsGlobalAndPerCode()
    {
        using var artifact = ModelArtifact.Read(new MemoryStream(trained.Result.ModelFile));
        var manifest = artifact.Manifest;

        Assert.NotNull(manifest.LogitThreshold);
        Assert.Equal(1 / (1 + Math.Exp(-manifest.LogitThreshold!.Value)), manifest.Threshold, 6);
        Assert.Equal(artifact.Labels.Count, manifest.PerCodeLogitThresholds!.Count);
        // Codes the classifier never trained on keep the global threshold.
        Assert.All(Enumerable.Range(0, artifact.Labels.Count).Where(c => manifest.LabelFrequencies[c] == 0),
            c => Assert.Equal(manifest.LogitThreshold.Value, manifest.PerCodeLogitThresholds[c]));
        Assert.Equal(manifest.LogitThreshold.Value, manifest.LogitThresholds().Global);
        Assert.Null(manifest.LogitThresholds().PerCode);
        Assert.Same(manifest.PerCodeLogitThresholds, manifest.LogitThresholds(perCode: true).PerCode);
    }

    [Fact]
    public void Code_PerCodeThresholds_DecideEachCodeByItsOwnThreshold()
    {
        // Every code but one gets an unreachable threshold, that one a threshold every logit passes.
        int open = 3;
        byte[] file = RewriteManifest(trained.Result.ModelFile, manifest =>
        {
            var perCode = (JsonArray)manifest["PerCodeLogitThresholds"]!;
            for (int c = 0; c < perCode.Count; c++)
            {
                perCode[c] = c == open ? -1e30f : 1e30f;
            }
        });
        using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(file));
        string openCode;
        using (var artifact = ModelArtifact.Read(new MemoryStream(file)))
        {
            openCode = artifact.Labels.Codes[open];
        }

        var notes = TinyTraining.Unseen.Take(4).ToList();

        var perCodeResult = coder.Code(notes, new CodingOptions { PerCodeThresholds = true });
        var globalResult = coder.Code(notes, new CodingOptions());

        Assert.All(perCodeResult, note => Assert.Equal([openCode], note.Codes.Select(c => c.Code)));
        Assert.Contains(globalResult, note => note.Codes.Any(c => c.Code != openCode));
    }

    [Fact]
    public void Read_Schema1File_IsReadWithoutTheNoteStartTokenAndWithGlobalS()
    {
        byte[] file = RewriteManifest(trained.Result.ModelFile, manifest =>
        {
            manifest["SchemaVersion"] = 1;
            ((JsonObject)manifest["Training"]!).Remove("NoteStartToken");
            ((JsonObject)manifest["Training"]!).Remove("StaticPerNote");
        });

        using var artifact = ModelArtifact.Read(new MemoryStream(file));
        using var current = ModelArtifact.Read(new MemoryStream(trained.Result.ModelFile));

        Assert.False(artifact.Manifest.Training.NoteStartToken);
        Assert.False(artifact.Manifest.Training.StaticPerNote);
        Assert.False(artifact.StaticAttention!.PerNote);
        Assert.True(current.Manifest.Training.NoteStartToken);
        Assert.True(current.Manifest.Training.StaticPerNote);
        Assert.True(current.StaticAttention!.PerNote);
    }

    [Fact]
    public void Read_TruncatedFile_FailsWithAClearError()
    {
        byte[] truncated = trained.Result.ModelFile[..(trained.Result.ModelFile.Length / 2)];

        var ex = Assert.Throws<InvalidDataException>(() => ModelArtifact.Read(new MemoryStream(truncated)));

        Assert.StartsWith("model file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptedWeights_FailsWithAClearError()
    {
        byte[] file = Rewrite(trained.Result.ModelFile, "weights.bin", bytes => bytes[..^100]);

        var ex = Assert.Throws<InvalidDataException>(() => ModelArtifact.Read(new MemoryStream(file)));

        Assert.Contains("weights do not fit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_VocabularyFromAnotherModel_IsRejected()
    {
        using var artifact = ModelArtifact.Read(new MemoryStream(trained.Result.ModelFile));
        var other = new PlantFunctions.Model.Text.Vocabulary([.. artifact.Vocabulary.Tokens.Take(artifact.Vocabulary.Count - 1), "zzzz"]);
        var replacement = new MemoryStream();
        other.Save(replacement);
        byte[] file = Rewrite(trained.Result.ModelFile, "vocabulary.json", _ => replacement.ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => ModelArtifact.Read(new MemoryStream(file)));

        Assert.Contains("vocabulary does not match", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] RewriteManifest(byte[] model, Action<JsonObject> change) =>
        Rewrite(model, "manifest.json", bytes =>
        {
            var manifest = JsonNode.Parse(bytes)!.AsObject();
            change(manifest);
            return System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        });

    private static byte[] Rewrite(byte[] model, string entryName, Func<byte[], byte[]> change)
    {
        var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                var bytes = new MemoryStream();
                input.CopyTo(bytes);
                using var written = target.CreateEntry(entry.FullName).Open();
                written.Write(entry.FullName == entryName ? change(bytes.ToArray()) : bytes.ToArray());
            }
        }

        return output.ToArray();
    }
}
