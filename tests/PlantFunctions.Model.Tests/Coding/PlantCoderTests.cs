using System.Text.Json;
using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Tests.Training;
using PlantFunctions.Model.Text;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Coding;

[Collection(TorchCollection.Name)]
public sealed class PlantCoderTests(TinyModelFixture trained) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Code_ReturnsCodesInOrderWithEvidenceThatPointsIntoTheText()
    {
        using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(trained.Result.ModelFile));
        var notes = TinyTraining.Unseen;

        var coded = coder.Code(notes, new CodingOptions { MinCodes = 3, EvidenceTokens = 4 });

        Assert.Equal(notes.Select(n => n.Id), coded.Select(c => c.NoteId));
        for (int i = 0; i < notes.Count; i++)
        {
            Assert.InRange(coded[i].Codes.Count, 3, 50);
            Assert.True(coded[i].Codes.Zip(coded[i].Codes.Skip(1)).All(p => p.First.Probability >= p.Second.Probability));
            foreach (var prediction in coded[i].Codes)
            {
                Assert.InRange(prediction.Evidence.Count, 1, 4);
                Assert.All(prediction.Evidence, e => Assert.Equal(e.Text, notes[i].Text.Substring(e.Start, e.Length)));
            }
        }

        double hits = notes.Select((n, i) => coded[i].Codes.Take(2).Count(c => n.Codes!.Contains(c.Code))).Sum();
        Assert.True(hits / (2.0 * notes.Count) > 0.6, $"precision of the top 2 codes on unseen synthetic notes: {hits / (2.0 * notes.Count):F2}");
    }

    [Fact]
    public void Code_ByDefault_UsesTheShortlistTheModelFileCarries_AndShortlistZeroCodesEveryCodeExactly()
    {
        byte[] withShortlist;
        using (var artifact = ModelArtifact.Read(new MemoryStream(trained.Result.ModelFile)))
        {
            withShortlist = ModelArtifact.Write(artifact.Manifest with { Shortlist = 4 }, artifact.Vocabulary, artifact.Labels, artifact.Priors, artifact.Model);
        }

        var notes = TinyTraining.Unseen.Take(6).ToList();
        var all = new CodingOptions { MinCodes = 16, MaxCodes = 16, EvidenceTokens = 0 };
        static float[][] Probabilities(byte[] file, IReadOnlyList<ClinicalNote> notes, CodingOptions options)
        {
            using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(file));
            return [.. coder.Code(notes, options).Select(c => c.Codes.OrderBy(p => p.Code, StringComparer.Ordinal).Select(p => p.Probability).ToArray())];
        }

        var byDefault = Probabilities(withShortlist, notes, all);
        var asked = Probabilities(trained.Result.ModelFile, notes, all with { Shortlist = 4 });
        var exact = Probabilities(trained.Result.ModelFile, notes, all);
        var forcedExact = Probabilities(withShortlist, notes, all with { Shortlist = 0 });

        Assert.Equal(asked, byDefault);
        Assert.Equal(exact, forcedExact);
        Assert.NotEqual(exact, byDefault);
    }

    [Fact]
    public void Code_NoteWithoutWordsAndVeryLongNote_AreCodedToo()
    {
        using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(trained.Result.ModelFile));
        string longText = string.Join(" ", Enumerable.Repeat(TinyTraining.Unseen[0].Text, 40));
        var notes = new[] { new ClinicalNote("digits", "12 34 -- 5.6"), new ClinicalNote("long", longText) };

        var coded = coder.Code(notes, new CodingOptions { MinCodes = 1 });

        Assert.Single(coded[0].Codes);
        Assert.Empty(coded[0].Codes[0].Evidence);
        Assert.True(Tokenizer.Tokenize(longText).Count > 2000);
        Assert.All(coded[1].Codes.SelectMany(c => c.Evidence), e => Assert.Equal(e.Text, longText.Substring(e.Start, e.Length)));
    }

    [Fact]
    public void Code_NoteWithNegatedWords_EvidenceCarriesTheTaggersAssertionsAndTheirWeightShare()
    {
        using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(trained.Result.ModelFile));
        var source = TinyTraining.Unseen[0];
        // Every word negated by the "no" before it (each "no" ends the previous one's scope); the same words, affirmed.
        string negatedText = "No " + string.Join(" no ", Tokenizer.Words(source.Text));
        var notes = new[] { new ClinicalNote("negated", negatedText), new ClinicalNote("affirmed", string.Join(' ', Tokenizer.Words(source.Text))) };

        var coded = coder.Code(notes, new CodingOptions { MinCodes = 3, EvidenceTokens = 4 });

        for (int i = 0; i < notes.Length; i++)
        {
            var spans = Tokenizer.Tokenize(notes[i].Text);
            var tags = AssertionTagger.Default.Tag(notes[i].Text, spans);
            foreach (var code in coded[i].Codes)
            {
                Assert.NotEmpty(code.Evidence);
                Assert.All(code.Evidence, e => Assert.Equal(tags[spans.FindIndex(s => s.Start == e.Start)].RecordName(), e.Assertion));
                float expected = code.Evidence.Where(e => e.Assertion is not null).Sum(e => e.Weight) / code.Evidence.Sum(e => e.Weight);
                Assert.Equal(expected, code.NonAffirmedShare!.Value, 5);
            }
        }

        Assert.Contains(coded[0].Codes.SelectMany(c => c.Evidence), e => e.Assertion == "negated");
        Assert.True(coded[0].Codes.Average(c => c.NonAffirmedShare!.Value) > 0.5, $"mean non-affirmed share {coded[0].Codes.Average(c => c.NonAffirmedShare)}");
        Assert.DoesNotContain(coded[1].Codes.SelectMany(c => c.Evidence), e => e.Assertion == "negated");
    }

    [Fact]
    public void EvidenceJson_AffirmedWordAndCodeWithoutEvidence_LeaveTheNewFieldsOut()
    {
        var affirmed = new CodePrediction("N20.0", null, 0.9f, [new EvidenceToken("calculus", 3, 8, 0.5f)], 0f);
        var negated = new CodePrediction("R31.9", null, 0.8f, [new EvidenceToken("hematuria", 20, 9, 0.7f, "negated")], 1f);
        var bare = new CodePrediction("Z00.00", null, 0.1f, []);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        Assert.Equal("""{"code":"N20.0","description":null,"probability":0.9,"evidence":[{"text":"calculus","start":3,"length":8,"weight":0.5}],"nonAffirmedShare":0}""",
            JsonSerializer.Serialize(affirmed, options));
        Assert.Contains("""{"text":"hematuria","start":20,"length":9,"weight":0.7,"assertion":"negated"}""", JsonSerializer.Serialize(negated, options), StringComparison.Ordinal);
        Assert.DoesNotContain("nonAffirmedShare", JsonSerializer.Serialize(bare, options), StringComparison.Ordinal);
    }

    [Fact]
    public void Code_ManyBatches_LiveTensorCountStaysFlat()
    {
        using var coder = new PlantCoderLoader("cpu").Load(new MemoryStream(trained.Result.ModelFile));
        var notes = TinyTraining.Unseen;
        coder.Code(notes, CodingOptions.Default);
        long before = Tensor.TotalCount;

        for (int i = 0; i < 5; i++)
        {
            coder.Code(notes, CodingOptions.Default);
        }

        Assert.True(Tensor.TotalCount - before <= 10, $"live tensors grew by {Tensor.TotalCount - before} over 5 coding rounds");
    }
}
