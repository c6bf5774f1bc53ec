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
    [InlineData("E11.9", "Type 2 diabetes mellitus without complications")]
    [InlineData("e11.65", "Type 2 diabetes mellitus with hyperglycemia")]
    [InlineData("E11", "Type 2 diabetes mellitus")]
    [InlineData("s02.0xx", "Fracture of vault of skull")]
    public void IcdDescriptions_BundledIcd10Cm_DescribesEachCodeByItsOwnEntry(string code, string expected)
    {
        var table = IcdDescriptions.Load(RepoPaths.Icd10CmTables);

        Assert.Equal(94_781 + 98, table.Count);
        Assert.Equal(expected, table.Describe(code));
        Assert.True(table.Contains(code));
    }

    [Fact]
    public void IcdDescriptions_CodeWithoutItsOwnEntry_HasNoDescription_NotItsCategorys()
    {
        var table = IcdDescriptions.Load(RepoPaths.Icd10CmTables);

        Assert.Null(table.Describe("E11.99"));      // E11 and E11.9 are listed, E11.99 is not
        Assert.False(table.Contains("E11.99"));
        Assert.Null(table.Describe("BW03ZZZ"));     // an ICD-10-PCS code
    }

    [Fact]
    public void IcdDescriptions_Icd9AndCategoryTables_Read()
    {
        var icd9 = IcdDescriptions.Load(RepoPaths.Icd9CmTable);
        var categories = IcdDescriptions.Load(RepoPaths.Icd10CmCategories);

        Assert.Equal("Congestive heart failure, unspecified", icd9.Describe("428.0"));
        Assert.Equal(1918, categories.Count);
        Assert.Equal("Orchitis and epididymitis", categories.Describe("N45"));
        Assert.Null(categories.Describe("N45.3"));
    }

    [Fact]
    public void IcdDescriptions_RowWithoutDescription_FailsNamingFileAndLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"plant-descriptions-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(path, "code\tdescription\nA00\tCholera\nA01\n");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => IcdDescriptions.Load(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
