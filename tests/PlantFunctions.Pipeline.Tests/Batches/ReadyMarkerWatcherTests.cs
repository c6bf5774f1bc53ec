using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Pipeline.Tests.Batches;

public sealed class ReadyMarkerWatcherTests
{
    [Theory]
    [InlineData("day-1/", "day-1")]
    [InlineData("incoming/2026/11/", "incoming-2026-11")]
    [InlineData("a b/c+d/", "a-b-c-d")]
    [InlineData("..x/", "x")]
    public void DeriveBatchId_Prefix_GivesAValidId(string prefix, string expected)
    {
        string id = ReadyMarkerWatcher.DeriveBatchId(prefix);

        Assert.Equal(expected, id);
        Assert.True(NameRules.IsValidId(id, "batch id", out _));
    }
}
