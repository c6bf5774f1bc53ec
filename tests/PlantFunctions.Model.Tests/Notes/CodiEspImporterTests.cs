using PlantFunctions.Model.Notes;
using PlantFunctions.Testing;

namespace PlantFunctions.Model.Tests.Notes;

public sealed class CodiEspImporterTests
{
    [SkippableFact]
    public void Read_SharedTrainAndDev_MatchTheCountsInSourceTxt()
    {
        Skip.IfNot(RepoPaths.HasSharedData, $"no shared data at {RepoPaths.SharedDataPath}");
        string root = Path.Combine(RepoPaths.SharedDataPath, "codiesp");

        var train = CodiEspImporter.Read(root, "train");
        var dev = CodiEspImporter.Read(root, "dev");

        // SOURCE.txt: train 500 cases, dev 250 cases, ~11 diagnosis codes per document.
        Assert.Equal(500, train.Count);
        Assert.Equal(250, dev.Count);
        Assert.Equal(CountDistinctTsvLines(Path.Combine(root, "train", "trainD.tsv")), train.Sum(n => n.Codes!.Count));
        Assert.Equal(CountDistinctTsvLines(Path.Combine(root, "dev", "devD.tsv")), dev.Sum(n => n.Codes!.Count));
        double perDocument = train.Concat(dev).Average(n => n.Codes!.Count);
        Assert.InRange(perDocument, 10.0, 12.0);
        Assert.All(train, n => Assert.Equal(n.Codes![0], n.Codes[0].ToUpperInvariant()));
    }

    [SkippableFact]
    public void Read_Background_HasUnlabelledNotes()
    {
        Skip.IfNot(RepoPaths.HasSharedData, $"no shared data at {RepoPaths.SharedDataPath}");
        var background = CodiEspImporter.Read(Path.Combine(RepoPaths.SharedDataPath, "codiesp"), "background");

        Assert.Equal(2751, background.Count);
        Assert.All(background.Take(20), n => Assert.Null(n.Codes));
    }

    [Theory]
    [InlineData(CodiEspLabels.Diagnoses, "trainD.tsv", null)]
    [InlineData(CodiEspLabels.Procedures, "trainP.tsv", null)]
    [InlineData(CodiEspLabels.Both, "trainD.tsv", "trainP.tsv")]
    public void Read_BundledSample_AttachesTheChosenLabelSets(CodiEspLabels labels, string first, string? second)
    {
        var notes = CodiEspImporter.Read(RepoPaths.CodiEspSample, "train", labels);

        int expected = CountDistinctTsvLines(Path.Combine(RepoPaths.CodiEspSample, "train", first))
                       + (second is null ? 0 : CountDistinctTsvLines(Path.Combine(RepoPaths.CodiEspSample, "train", second)));
        Assert.Equal(350, notes.Count);
        Assert.Equal(expected, notes.Sum(n => n.Codes!.Count));
    }

    [Fact]
    public void Read_MissingSplit_NamesTheFolder()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => CodiEspImporter.Read(RepoPaths.CodiEspSample, "test"));

        Assert.Contains(Path.Combine("test", "text_files_en"), ex.Message, StringComparison.Ordinal);
    }

    private static int CountDistinctTsvLines(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0)
            .Select(l => l.Split('\t')).Select(p => (p[0], p[1].Trim().ToUpperInvariant())).Distinct().Count();
}
