using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Text;

public sealed class VocabularyTests
{
    private static readonly string[] Texts = ["the fever and the cough", "The fever, the rash", "cough cough THE"];

    [Fact]
    public void Build_OrdersByCountAfterReservedIdsAndAppliesMinCount()
    {
        var vocabulary = Vocabulary.Build(Texts, new VocabularyOptions { MinCount = 2 });

        // the: 5, cough: 3, fever: 2; "and" and "rash" occur once.
        Assert.Equal(["<pad>", "<unk>", "<bos>", "the", "cough", "fever"], vocabulary.Tokens);
        Assert.Equal(Vocabulary.UnknownId, vocabulary.IdOf("rash"));
        Assert.Equal(3, vocabulary.IdOf("the"));
    }

    [Fact]
    public void Build_MaxSize_KeepsTheMostFrequent()
    {
        var vocabulary = Vocabulary.Build(Texts, new VocabularyOptions { MinCount = 1, MaxSize = 5 });

        Assert.Equal(["<pad>", "<unk>", "<bos>", "the", "cough"], vocabulary.Tokens);
    }

    [Fact]
    public void Encode_MapsLowerCasedTokensAndFillsSpans()
    {
        var vocabulary = Vocabulary.Build(Texts, new VocabularyOptions { MinCount = 2 });
        var spans = new List<TokenSpan>();

        int[] ids = vocabulary.Encode("THE Fever: 39C rash", spans);

        Assert.Equal([3, 5, Vocabulary.UnknownId], ids);
        Assert.Equal(new TokenSpan(15, 4), spans[2]);
    }

    [Fact]
    public void SaveLoad_RoundTripsWithTheSameHash()
    {
        var vocabulary = Vocabulary.Build(Texts, new VocabularyOptions { MinCount = 1 });
        var stream = new MemoryStream();

        vocabulary.Save(stream);
        var loaded = Vocabulary.Load(new MemoryStream(stream.ToArray()));

        Assert.Equal(vocabulary.Tokens, loaded.Tokens);
        Assert.Equal(vocabulary.Hash, loaded.Hash);
        Assert.Equal(64, loaded.Hash.Length);
    }

    [Fact]
    public void Hash_DependsOnOrder()
    {
        var a = new Vocabulary([.. Vocabulary.Reserved, "x", "y"]);
        var b = new Vocabulary([.. Vocabulary.Reserved, "y", "x"]);

        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void Load_TamperedTokens_FailsWithCorruptMessage()
    {
        var stream = new MemoryStream();
        Vocabulary.Build(Texts, new VocabularyOptions { MinCount = 1 }).Save(stream);
        string json = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Replace("\"fever\"", "\"fevers\"", StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))));

        Assert.Contains("corrupt", ex.Message, StringComparison.Ordinal);
    }
}
