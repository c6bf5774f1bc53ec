using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

[Collection(AzuriteCollection.Name)]
public sealed class HostStartupTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Host_WorkerComposedWithoutAModel_RefusesToStart()
    {
        var app = PlantHost.Build([], _ => { },
            new PlantHostOptions { ReadLocalSettings = false, Overrides = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "worker") });
        await using (app)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

            Assert.Equal(PlantModelRegistration.MissingLoaderMessage, error.Message);
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

    [Theory]
    [InlineData("Plant:Roles", "api,wrker", "wrker")]
    [InlineData("Plant:Threads", "-2", "Plant:Threads")]
    [InlineData("Plant:TaskHub", "Bad-Hub", "Plant:TaskHub")]
    [InlineData("Plant:Api:TrustedProxies", "not-an-address", "Plant:Api:TrustedProxies")]
    [InlineData("Plant:Training:LeaseDuration", "00:05:00", "LeaseDuration")]
    public async Task Host_BadSetting_StopsAtStartNamingTheSetting(string key, string value, string named)
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api");
        settings[key] = value;
        var app = PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions { ReadLocalSettings = false, Overrides = settings });
        await using (app)
        {
            var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => app.StartAsync());

            Assert.Contains(named, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("api", PlantRoles.Api)]
    [InlineData("worker, api", PlantRoles.Worker | PlantRoles.Api)]
    [InlineData("", PlantRoles.None)]
    public void PlantRolesParser_KnownRoles_Parse(string value, PlantRoles expected)
    {
        Assert.True(PlantRolesParser.TryParse(value, out var roles, out _));
        Assert.Equal(expected, roles);
    }
}
