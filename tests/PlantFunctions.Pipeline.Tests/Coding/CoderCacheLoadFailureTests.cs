using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Tests.Batches;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Pipeline.Tests.Coding;

/// <summary>A model version whose file cannot be loaded: shards must fail fast, not download and load it again and again.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CoderCacheLoadFailureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Acquire_AVersionWhoseFileTheLoaderRefuses_FailsWithANonRetryableErrorAndLoadsItOnce()
    {
        await using var services = await PipelineServices.CreateAsync(azurite);
        var model = await services.Provider.GetRequiredService<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "broken",
            BinaryData.FromString("this is not a model file"), new Dictionary<string, double>());
        var cache = services.Provider.GetRequiredService<CoderCache>();
        var loader = services.Provider.GetRequiredService<FakeNoteCoderLoader>();

        var first = await Assert.ThrowsAnyAsync<Exception>(() => cache.AcquireAsync(model));
        var second = await Assert.ThrowsAnyAsync<Exception>(() => cache.AcquireAsync(model));

        Assert.IsType<ModelLoadException>(first);
        Assert.Same(first, second);   // remembered: the file is not downloaded and loaded for every shard
        Assert.Equal(1, loader.Loads);
        Assert.False(ModelLoadException.IsRetryable(TaskFailureDetails.FromException(first)));
        Assert.True(ModelLoadException.IsRetryable(TaskFailureDetails.FromException(new IOException("storage hiccup"))));
    }
}
