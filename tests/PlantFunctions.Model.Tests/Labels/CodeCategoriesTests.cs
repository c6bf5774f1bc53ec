using PlantFunctions.Model.Labels;

namespace PlantFunctions.Model.Tests.Labels;

public sealed class CodeCategoriesTests
{
    [Theory]
    [InlineData("e11.65", "e11")]
    [InlineData("E11.9", "e11")]
    [InlineData("428.0", "428")]
    [InlineData("V45.81", "v45")]
    [InlineData("i10", "i10")]
    [InlineData("0DTJ4ZZ", "0dt")]
    [InlineData("96.04", "96")]
    public void CategoryOf_IsThePartBeforeTheDotOrTheFirstThreeCharacters(string code, string category) =>
        Assert.Equal(category, CodeCategories.CategoryOf(code));

    [Fact]
    public void Of_GroupsCategoriesWithTwoOrMoreCodes_InOrderOfFirstCode_AndLeavesSingletonsOut()
    {
        var categories = CodeCategories.Of(["i10", "e11.9", "n20.0", "E11.65", "i10.1", "r52", "e11.8"]);

        Assert.Equal(2, categories.Count);
        Assert.Equal([0, 1, -1, 1, 0, -1, 1], categories.GroupOf);
    }

    [Fact]
    public void Of_CodesAllInDifferentCategories_HasNoGroup()
    {
        var categories = CodeCategories.Of(["a", "b01", "c02.1"]);

        Assert.Equal(0, categories.Count);
        Assert.All(categories.GroupOf, g => Assert.Equal(-1, g));
    }
}
