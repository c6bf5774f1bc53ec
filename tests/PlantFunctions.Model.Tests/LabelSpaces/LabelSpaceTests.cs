using PlantFunctions.Model.Artifacts;
using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.LabelSpaces;
using PlantFunctions.Model.Networks;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Priors;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Model.Tests.Training;
using PlantFunctions.Model.Text;
using PlantFunctions.Model.Training;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.LabelSpaces;

[Collection(TorchCollection.Name)]
public sealed class LabelSpaceTests
{
    private static readonly SyntheticCorpus Corpus = new(new SyntheticCorpusOptions
    {
        Documents = 200, VocabularySize = 400, Codes = 12, MedianWords = 60, MedianCodesPerDocument = 2, Seed = 5, SharedSignalWords = 0,
    });

    [Fact]
    public void Extend_AddedCodes_TakeTheDescriptionMappingOfTheirFeatures_AndTrainedCodesKeepTheirParameters()
    {
        manual_seed(3);
        var notes = Corpus.Notes().ToList();
        var vocabulary = Vocabulary.Build(notes.Select(n => n.Text), new VocabularyOptions { MinCount = 1 });
        var trained = new LabelSet([.. Corpus.Labels.Codes.Take(9)], [.. Corpus.Labels.Descriptions.Take(9)]);
        var extra = Enumerable.Range(9, 3).Select(c => (Corpus.Labels.Codes[c], (string?)Corpus.Labels.Descriptions[c])).ToList();
        var options = new TrainingOptions { Preset = "tiny" };
        var priors = PriorComputation.Compute(PresenceCorpus.Build(notes, vocabulary, trained), vocabulary, trained, new PriorOptions());
        int[] frequencies = [.. Enumerable.Range(0, 9).Select(c => notes.Count(n => n.Codes!.Contains(trained.Codes[c])))];
        using var model = ModelArtifact.CreateModel(NetworkConfig.Tiny, vocabulary.Count, trained, options);
        using (no_grad())
        {
            foreach (var p in model.parameters())
            {
                p.normal_();
            }
        }

        var grown = LabelSpaceExtender.Extend(model, options, vocabulary, trained, priors, frequencies, notes, extra, new PriorOptions(), unseenOffset: -1.5);
        using var grownModel = grown.Model;

        Assert.Equal([.. trained.Codes, .. extra.Select(e => e.Item1)], grown.Labels.Codes);
        Assert.Equal(extra[0].Item2, grown.Labels.DescriptionOf(9));
        Assert.Equal([.. frequencies, 0, 0, 0], grown.Frequencies);
        var families = CodeFamilies.Build(grown.Labels, vocabulary);
        var embedding = model.Encoder.Embedding.weight!;
        foreach (var (learnt, built) in new[] { (model.Decoder.LabelAttention, grownModel.Decoder.LabelAttention), (model.Decoder.Boost, grownModel.Decoder.Boost) })
        {
            var features = LabelSpaceExtender.Features(embedding, grown.Priors, families, learnt);
            using var mapping = DescriptionMapping.Fit(features.narrow(0, 0, 9), learnt);
            var expected = mapping.Predict(features.narrow(0, 9, 3));
            Assert.True(built.narrow(0, 9, 3).allclose(expected, rtol: 1e-5, atol: 1e-6), "an added code's row is not the mapping of its features");
            Assert.True(built.narrow(0, 0, 9).equal(learnt).all().item<bool>(), "a trained code's row changed");
        }

        int rarest = frequencies.Min();
        float rareBias = Enumerable.Range(0, 9).Where(c => frequencies[c] == rarest).Average(c => model.Decoder.Bias[c].item<float>());
        Assert.Equal(rareBias - 1.5f, grownModel.Decoder.Bias[10].item<float>(), 4);
        Assert.True(grown.Priors.TokensOf(10).Length > 0, "an added code got no borrowed MI tokens");
        Assert.Equal(priors.TokensOf(4).ToArray(), grown.Priors.TokensOf(4).ToArray());
    }

    [Fact]
    public void DescriptionMapping_ExactlyLinearTargets_AreRecoveredOnUnseenRows()
    {
        manual_seed(7);
        var x = randn(60, 5, dtype: ScalarType.Float64);
        var b = randn(5, 3, dtype: ScalarType.Float64);
        var y = x.matmul(b) + 0.5;

        using var mapping = DescriptionMapping.Fit(x.narrow(0, 0, 50), y.narrow(0, 0, 50));
        var predicted = mapping.Predict(x.narrow(0, 50, 10));

        Assert.True(predicted.allclose(y.narrow(0, 50, 10).to(ScalarType.Float32), rtol: 1e-2, atol: 1e-2), "ridge with the smallest strength should reproduce exact linear data");
        Assert.Equal(1e-3, mapping.Strength);
    }

    [Fact]
    public void LabelSpace_Billable_AddsEveryLeafCodeOfTheTable_NotTheHeadsOfOtherCodes_NorTrainedOnes()
    {
        var table = new IcdDescriptions();
        foreach (string code in new[] { "E11", "E11.6", "E11.65", "E11.9", "S02.0XX", "S02.0XXA", "I10", "A00", "A00.0" })
        {
            table.Add(code, $"description of {code}");
        }

        var trained = new LabelSet(["e11.9", "r07"]);
        var billable = new LabelSpace(LabelSpace.Billable).ExtraCodes(trained, table);

        // E11, E11.6, S02.0XX and A00 head longer codes; e11.9 is trained; the rest are added in the trained (lower) case.
        Assert.Equal(["e11.65", "s02.0xxa", "i10", "a00.0"], billable.Select(e => e.Code));
        Assert.Equal("description of E11.65", billable[0].Description);
        Assert.False(new LabelSpace(LabelSpace.Billable).IsFile);
    }

    [Fact]
    public void LabelSpace_Categories_AddsTheTableCodesOfTrainedCategoriesInTheTrainedCase()
    {
        var table = new IcdDescriptions();
        table.Add("E11.9", "Type 2 diabetes mellitus without complications");
        table.Add("E11.65", "Type 2 diabetes mellitus with hyperglycemia");
        table.Add("S02.0XXA", "Fracture of vault of skull, initial encounter for closed fracture");
        table.Add("S02.0XX", "Fracture of vault of skull");
        table.Add("I10", "Essential (primary) hypertension");
        var trained = new LabelSet(["e11.9", "s02.1"]);

        var all = new LabelSpace(LabelSpace.Categories).ExtraCodes(trained, table).Select(e => e.Code).ToList();
        var short7 = new LabelSpace(LabelSpace.CategoriesNo7th).ExtraCodes(trained, table).Select(e => e.Code).ToList();

        Assert.Equal(["e11.65", "s02.0xxa", "s02.0xx"], all);
        Assert.Equal(["e11.65", "s02.0xx"], short7);
        Assert.Empty(new LabelSpace(LabelSpace.Train).ExtraCodes(trained, table));
        Assert.Throws<FileNotFoundException>(() => new LabelSpace("no-such-codes.txt").ExtraCodes(trained, table));
    }

    [Fact]
    public void Train_CodeWithoutTrainingNotes_GetsAFiniteScore_RanksFirstOnANoteRepeatingItsDescription_AndNotOnAnotherCodes()
    {
        const int unseen = 7, other = 3;
        string code = SyntheticCorpus.CodeFor(unseen);
        var notes = Corpus.Notes().Where(n => !n.Codes!.Contains(code)).ToList();
        var table = new IcdDescriptions();
        for (int c = 0; c < Corpus.Labels.Count; c++)
        {
            table.Add(Corpus.Labels.Codes[c], Corpus.Labels.Descriptions[c]);
        }

        string codeFile = Path.Combine(Path.GetTempPath(), $"plant-label-space-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(codeFile, ["code", code]);
        try
        {
            // An offset that lifts the added code to the trained codes' level: the test is that its score follows its evidence.
            var options = TinyTraining.Options with { LabelSpace = codeFile, ClassifierEpochs = 4, UnseenCodeOffset = 3 };
            var request = new TrainingRequest("synthetic", [.. notes.Take(150)], [.. notes.Skip(150)], null, table, options);
            var result = new PlantTrainer().Train(request, new TinyTraining.MemoryCheckpoints(), new TinyModelFixture.SyncProgress(_ => { }));

            using var artifact = ModelArtifact.Read(new MemoryStream(result.ModelFile));
            int index = artifact.Labels.IndexOf(code);
            Assert.Equal(artifact.Labels.Count - 1, index);
            Assert.Equal(Corpus.Labels.Descriptions[unseen], artifact.Labels.DescriptionOf(index));
            Assert.Equal(0, artifact.Manifest.LabelFrequencies[index]);
            Assert.Equal(CodingOptions.DefaultShortlist, artifact.Manifest.Shortlist);
            string Repeated(int c) => string.Join(". ", Enumerable.Repeat(string.Join(' ', Corpus.SignalWordsOf(c)), 4));
            using var coder = new PlantCoder(artifact, CPU);
            var coded = coder.Code([new ClinicalNote("own", Repeated(unseen), null), new ClinicalNote("other", Repeated(other), null)],
                new CodingOptions { MinCodes = artifact.Labels.Count, EvidenceTokens = 2 });
            var own = coded[0].Codes;
            var elsewhere = coded[1].Codes.Single(c => c.Code == code);

            Assert.True(code == own[0].Code, $"ranked {string.Join("; ", own.Take(4).Select(c => $"{c.Code} {c.Probability:F3}"))} on its description, {elsewhere.Probability:F3} on another code's; there {string.Join("; ", coded[1].Codes.Take(3).Select(c => $"{c.Code} {c.Probability:F3}"))}");
            Assert.True(float.IsFinite(own[0].Probability) && own[0].Probability > 0);
            Assert.Equal(Corpus.Labels.Descriptions[unseen], own[0].Description);
            Assert.NotEmpty(own[0].Evidence);
            Assert.NotEqual(code, coded[1].Codes[0].Code);
            Assert.True(elsewhere.Probability < own[0].Probability / 2, $"{elsewhere.Probability:F3} on another code's description, {own[0].Probability:F3} on its own");
        }
        finally
        {
            File.Delete(codeFile);
        }
    }
}
