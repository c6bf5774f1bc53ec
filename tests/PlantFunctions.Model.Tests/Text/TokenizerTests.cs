using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Text;

public sealed class TokenizerTests
{
    [Fact]
    public void Words_DropsTokensWithDigitsAndSplitsOnPunctuation()
    {
        var words = Tokenizer.Words("Non-Hodgkin's lymphoma, C1 esterase; FiO2 40% GERD. Prilosec 20mg").ToList();

        Assert.Equal(["non", "hodgkin", "s", "lymphoma", "esterase", "gerd", "prilosec"], words);
    }

    [Fact]
    public void Tokenize_KeepsOffsetsIntoTheOriginalText()
    {
        const string text = "  Aortic STENOSIS (mild)\n2+ insufficiency";

        var spans = Tokenizer.Tokenize(text);

        Assert.Equal(["Aortic", "STENOSIS", "mild", "insufficiency"], spans.Select(s => text.Substring(s.Start, s.Length)));
        Assert.Equal(2, spans[0].Start);
        Assert.Equal(text.IndexOf("insufficiency", StringComparison.Ordinal), spans[3].Start);
    }

    [Fact]
    public void Words_AccentedLettersAreLetters()
    {
        Assert.Equal(["exposición", "a", "brucella"], Tokenizer.Words("Exposición a Brucella"));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("123 4.5 ---", 0)]
    [InlineData("a", 1)]
    [InlineData("x1y z", 1)]
    public void Tokenize_EdgeCases_CountsKeptTokens(string text, int expected)
    {
        Assert.Equal(expected, Tokenizer.Tokenize(text).Count);
    }
}
