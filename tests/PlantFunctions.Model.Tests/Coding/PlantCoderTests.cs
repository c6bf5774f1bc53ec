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
