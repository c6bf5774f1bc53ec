using PlantFunctions.Model.Evaluation;

namespace PlantFunctions.Model.Tests.Evaluation;

public sealed class FrequencyBucketTests
{
    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "1-5")]
    [InlineData(5, "1-5")]
    [InlineData(6, "6-50")]
    [InlineData(50, "6-50")]
    [InlineData(51, ">50")]
    [InlineData(100000, ">50")]
    public void Default_Frequency_FallsInExactlyTheExpectedBucket(int frequency, string? expected)
    {
        var matches = FrequencyBucket.Default.Where(b => b.Contains(frequency)).Select(b => b.Name).ToList();

        if (expected is null)
        {
            Assert.Empty(matches);
        }
        else
        {
            Assert.Equal([expected], matches);
        }
    }

    [Fact]
    public void FromUpperBounds_CustomEdges_NamesAndRanges()
    {
        var buckets = FrequencyBucket.FromUpperBounds(1, 10);

        Assert.Equal(
            [new FrequencyBucket("1", 1, 1), new FrequencyBucket("2-10", 2, 10), new FrequencyBucket(">10", 11, int.MaxValue)],
            buckets);
    }

    [Fact]
    public void FromUpperBounds_DecreasingEdges_Throws()
    {
        Assert.Throws<ArgumentException>(() => FrequencyBucket.FromUpperBounds(50, 5));
    }
}
