using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Tests.Configuration;

public sealed class NameRulesTests
{
    [Theory]
    [InlineData("batch-1", "batch-1/")]
    [InlineData("batch-1/", "batch-1/")]
    [InlineData("2026/11/24", "2026/11/24/")]
    [InlineData(" day 1/part.a ", "day 1/part.a/")]
    public void TryNormalizePrefix_PathInsideTheContainer_EndsWithSlash(string prefix, string expected)
    {
        Assert.True(NameRules.TryNormalizePrefix(prefix, out string normalized, out string? reason), reason);
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../notes")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    [InlineData("/a")]
    [InlineData("a//b")]
    [InlineData("a\\..\\b")]
    [InlineData("a?comp=list")]
    [InlineData("a#b")]
    [InlineData("a%2F..%2Fb")]
    [InlineData("a\nb")]
    public void TryNormalizePrefix_EscapeOrOddCharacters_IsRefusedWithAReason(string? prefix)
    {
        Assert.False(NameRules.TryNormalizePrefix(prefix, out _, out string? reason));
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Theory]
    [InlineData("b1", true)]
    [InlineData("20261124-101500-abc", true)]
    [InlineData("a.b_c-d", true)]
    [InlineData("", false)]
    [InlineData("-leading", false)]
    [InlineData("a..b", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    public void IsValidId_AcceptsKeySafeNamesOnly(string id, bool valid) =>
        Assert.Equal(valid, NameRules.IsValidId(id, "batch id", out _));
}
