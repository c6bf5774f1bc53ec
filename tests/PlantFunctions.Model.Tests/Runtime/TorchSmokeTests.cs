using PlantFunctions.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace PlantFunctions.Model.Tests.Runtime;

[Collection(TorchCollection.Name)]
public sealed class TorchSmokeTests
{
    [Fact]
    public void EnsureLoaded_OnThisMachine_CreatesTensorAndRunsOneLstmStep()
    {
        TorchRuntime.EnsureLoaded();

        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        var ones = torch.ones(3);
        Assert.Equal(3f, ones.sum().item<float>());

        using var lstm = nn.LSTM(inputSize: 4, hiddenSize: 5, numLayers: 1, batchFirst: true);
        var input = torch.randn(2, 7, 4);
        var (output, h, c) = lstm.forward(input);
        Assert.Equal(new long[] { 2, 7, 5 }, output.shape);
        output.sum().backward();
        var grad = lstm.parameters().First().grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().sum().item<float>() > 0f);
    }
}
