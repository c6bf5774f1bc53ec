using PlantFunctions.Model.Coding;
using PlantFunctions.Model.Notes;
using PlantFunctions.Contracts.Models;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Batches;

[Collection(AzuriteCollection.Name)]
public sealed class CoderCacheTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Acquire_BeyondMaxLoadedModels_UnloadsTheLeastRecentlyUsedIdleVersionOnly()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api");
        settings["Plant:Workers:MaxLoadedModels"] = "2";
        await using var host = await TestPlantHost.StartAsync(settings);
        var registry = host.Get<ModelRegistry>();
        var versions = new List<ModelVersionInfo>();
        foreach (string version in new[] { "v1", "v2", "v3" })
        {
            versions.Add(await registry.RegisterAsync(PlantTestSettings.ModelName, version, FakeModelFile.Create(PlantTestSettings.ModelName, version), new Dictionary<string, double>()));
        }

        var cache = host.Get<CoderCache>();
        var inference = host.Get<InferenceThread>();
        using (await cache.AcquireAsync(versions[0]))
        {
        }

        var held = await cache.AcquireAsync(versions[1]);   // v2 stays in use
        using (await cache.AcquireAsync(versions[0]))
        {
            // v1 used again (no new load): v2 is now the least recently used, but it is held
        }

        using (var third = await cache.AcquireAsync(versions[2]))
        {
            // Over the limit: the idle v1 goes although v2 is older, because v2 is in use.
            await inference.RunAsync(() => 0);   // the unload runs on the inference thread, before this
            Assert.Equal([$"{PlantTestSettings.ModelName}/v2", $"{PlantTestSettings.ModelName}/v3"], cache.Loaded.Order());
            Assert.False(((FakeNoteCoder)held.Coder).IsDisposed);
            var coded = await inference.RunAsync(() => held.Coder.Code([new ClinicalNote("n1", "fever")], CodingOptions.Default));
            Assert.Single(coded);
        }

        held.Dispose();
        var v1 = Assert.Single(host.Loader.Coders, c => c.Info.Version == "v1");   // loaded once, reused while cached
        Assert.True(v1.IsDisposed);
        Assert.Equal(3, host.Loader.Loads);
    }
}
