using PlantFunctions.Model.Notes.Mimic;

namespace PlantFunctions.Model.Tests.Notes.Mimic;

public sealed class IcdCodeFormatTests
{
    [Theory]
    [InlineData("4019", "401.9")]
    [InlineData("25000", "250.00")]
    [InlineData("486", "486")]
    [InlineData("V5861", "V58.61")]
    [InlineData("E9342", "E934.2")]
    [InlineData("E849", "E849")]
    [InlineData(" 4280 ", "428.0")]
    [InlineData("428.0", "428.0")]
    public void Icd9Diagnosis_MimicCode_IsDottedAsMullenbach(string raw, string expected) =>
        Assert.Equal(expected, IcdCodeFormat.Icd9Diagnosis(raw));

    [Theory]
    [InlineData("9604", "96.04")]
    [InlineData("3893", "38.93")]
    [InlineData("966", "96.6")]
    [InlineData("00", "00")]
    public void Icd9Procedure_MimicCode_IsDottedAfterTwo(string raw, string expected) =>
        Assert.Equal(expected, IcdCodeFormat.Icd9Procedure(raw));

    [Theory]
    [InlineData("I509", true, "I50.9")]
    [InlineData("I10", true, "I10")]
    [InlineData("e119", true, "E11.9")]
    [InlineData("S72001A", true, "S72.001A")]
    [InlineData("02HV33Z", false, "02HV33Z")]
    public void Icd10_MimicCode_DiagnosesDottedAfterThreeProceduresUndotted(string raw, bool diagnosis, string expected) =>
        Assert.Equal(expected, IcdCodeFormat.For(10, diagnosis)(raw));

    [Fact]
    public void For_UnknownVersion_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IcdCodeFormat.For(11, diagnoses: true));
}
