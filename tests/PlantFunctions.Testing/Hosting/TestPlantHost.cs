using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Host;
using PlantFunctions.Testing.Fakes;

namespace PlantFunctions.Testing.Hosting;

/// <summary>
/// The real PlantFunctions host in this test process, on a real loopback port, with the deterministic model doubles
/// registered where production registers the PLANT model.
/// </summary>
public sealed class TestPlantHost : IAsyncDisposable
{
    private TestPlantHost(WebApplication app, Uri address)
    {
        App = app;
        BaseAddress = address;
        Anonymous = new HttpClient { BaseAddress = address };
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Add("x-functions-key", PlantTestSettings.FunctionKey);
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>Where it listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client that sends the function key.</summary>
    public HttpClient Client { get; }

    /// <summary>A client that sends no key.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>The loader double (to count loads and inspect coders).</summary>
    public FakeNoteCoderLoader Loader => App.Services.GetRequiredService<FakeNoteCoderLoader>();

    /// <summary>Builds and starts a host with <paramref name="settings"/>.</summary>
    public static async Task<TestPlantHost> StartAsync(IReadOnlyDictionary<string, string?> settings, FakeModelSettings? model = null)
    {
        var app = PlantHost.Build([], services => services.AddFakeModel(model ?? new FakeModelSettings()),
            new PlantHostOptions { ReadLocalSettings = false, Overrides = settings });
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestPlantHost(app, new Uri(address));
    }

    /// <summary>A service of the host.</summary>
    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
