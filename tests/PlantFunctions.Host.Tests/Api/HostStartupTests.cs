using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

[Collection(AzuriteCollection.Name)]
public sealed class HostStartupTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("worker", PlantModelRegistration.MissingLoaderMessage)]
    [InlineData("trainer", PlantModelRegistration.MissingTrainerMessage)]
    public async Task Host_ComposedWithoutAModel_RefusesToStartARoleThatNeedsIt(string roles, string message)
    {
        var app = PlantHost.Build([], _ => { },
            new PlantHostOptions { ReadLocalSettings = false, Overrides = PlantTestSettings.For(azurite, azurite.UniqueName("t"), roles) });
        await using (app)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

            Assert.Equal(message, error.Message);
        }
    }

    [Fact]
    public async Task Host_ApiRoleOnly_StartsWithoutAModel()
    {
        var app = PlantHost.Build([], _ => { },
            new PlantHostOptions { ReadLocalSettings = false, Overrides = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api") });
        await using (app)
        {
            await app.StartAsync();
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Host_BadSetting_StopsAtStartWithTheSettingName()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,wrker");

        var error = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions { ReadLocalSettings = false, Overrides = settings }));

        Assert.Contains("Plant:Roles", error.Message, StringComparison.Ordinal);
        Assert.Contains("wrker", error.Message, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Host_NegativeThreads_StopsAtStartWithTheSettingName()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api");
        settings["Plant:Threads"] = "-2";

        var error = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions { ReadLocalSettings = false, Overrides = settings }));

        Assert.Contains("Plant:Threads", error.Message, StringComparison.Ordinal);
    }
}
