using PlantFunctions.Model.Labels;
using PlantFunctions.Testing;

namespace PlantFunctions.Model.Tests.Labels;

public sealed class LabelSetTests
{
    [Fact]
    public void FromCodes_OrdersByNoteFrequencyThenCode()
    {
        var set = LabelSet.FromCodes([["B", "A"], ["A"], ["C", "B", "A", "A"]]);

        Assert.Equal(["A", "B", "C"], set.Codes);
        Assert.Equal(1, set.IndexOf("B"));
        Assert.Equal(-1, set.IndexOf("Z"));
    }

    [Fact]
    public void SaveLoad_RoundTripsCodesDescriptionsAndHash()
    {
        var set = new LabelSet(["I10", "E11.9"], ["Hypertension", "Diabetes"]);
        var stream = new MemoryStream();

        set.Save(stream);
        var loaded = LabelSet.Load(new MemoryStream(stream.ToArray()));

        Assert.Equal(set.Codes, loaded.Codes);
        Assert.Equal(set.Descriptions, loaded.Descriptions);
        Assert.Equal(set.Hash, loaded.Hash);
    }

    [Fact]
    public void Constructor_DuplicateCode_Throws()
    {
        Assert.Throws<InvalidDataException>(() => new LabelSet(["A", "A"]));
    }

    [Theory]
    [InlineData("N45.3", "Orchitis and epididymitis")]
    [InlineData("A23.9", "Brucellosis")]
    [InlineData("R52", "Pain, unspecified")]
    public void IcdDescriptions_DescribeByLongestListedPrefix(string code, string expected)
    {
        var table = IcdDescriptions.Load(RepoPaths.Icd10CmCategories);

        Assert.Equal(1918, table.Count);
        Assert.Equal(expected, table.Describe(code));
        Assert.Null(table.Describe("BW03ZZZ"));
    }
}
