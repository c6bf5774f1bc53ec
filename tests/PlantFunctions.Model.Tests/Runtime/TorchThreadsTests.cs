using PlantFunctions.Model.Runtime;
using TorchSharp;

namespace PlantFunctions.Model.Tests.Runtime;

[Collection(TorchCollection.Name)]
public sealed class TorchThreadsTests
{
    [Fact]
    public void UseThreads_SetsTheCallingThreadsCount_AndZeroKeepsIt()
    {
        int before = 0, afterOne = 0, afterZero = 0;
        var thread = new Thread(() =>
        {
            TorchRuntime.EnsureLoaded();
            before = torch.get_num_threads();
            TorchRuntime.UseThreads(1);
            afterOne = torch.get_num_threads();
            TorchRuntime.UseThreads(0);
            afterZero = torch.get_num_threads();
            torch.set_num_threads(before);   // leave the process default as it was for the other tests
        });
        thread.Start();
        thread.Join();

        Assert.True(before >= 1);
        Assert.Equal(1, afterOne);
        Assert.Equal(1, afterZero);
    }
}
