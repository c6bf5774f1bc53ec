using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Pipeline.Tests.Batches;

/// <summary>The pipeline's services for one task hub, without a host (no loops run): for driving single steps.</summary>
internal static class PipelineServices
{
    public static async Task<ServiceProvider> CreateAsync(AzuriteFixture azurite, string taskHub, int notesPerShard = 10)
    {
        var settings = PlantTestSettings.For(azurite, taskHub, "", notesPerShard);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddPlantPipeline(configuration).AddFakeModel(new FakeModelSettings()).BuildServiceProvider();
        await services.GetRequiredService<TaskHub>().CreateIfMissingAsync();
        return services;
    }
}
