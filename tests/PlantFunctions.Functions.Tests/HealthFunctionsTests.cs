using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using PlantFunctions.Functions.Http;
using PlantFunctions.Functions.Tests.Support;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Functions.Tests;

/// <summary>The Functions app's anonymous health routes, run as the worker runs them.</summary>
public sealed class HealthFunctionsTests
{
    /// <summary>Azurite's well-known development account key (public, documented).</summary>
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public async Task Ready_StorageDown_Answers503()
    {
        var health = new HealthFunctions(new StorageProbe(DownStorage(), TimeProvider.System, Options.Create(new PlantOptions { HealthProbeTimeout = TimeSpan.FromSeconds(1) })));
        var context = new TestFunctionContext();

        var response = (TestHttpResponse)await health.ReadyAsync(new TestHttpRequest(context, "GET", new Uri("http://localhost/api/health/ready")), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("""{"status":"Unhealthy"}""", response.Text());
    }

    [Fact]
    public async Task StorageProbe_ProbedAgainWithinTheCacheDuration_MakesOneStorageCallUntilItRunsOut()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var probe = new StorageProbe(DownStorage(), time, Options.Create(new PlantOptions { HealthProbeTimeout = TimeSpan.FromSeconds(5), HealthCacheDuration = TimeSpan.FromSeconds(5) }));

        var first = probe.CheckAsync();
        time.Advance(TimeSpan.FromSeconds(5));   // the probe's time bound: storage never answers
        var firstResult = await first;
        time.Advance(TimeSpan.FromSeconds(4));
        var second = probe.CheckAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        var third = probe.CheckAsync();

        Assert.False(firstResult.Reachable);
        Assert.Contains("did not answer within 5 s", firstResult.Description, StringComparison.Ordinal);
        Assert.Same(first, second);   // 4 s after the answer: the same answer, no storage call
        Assert.NotSame(first, third);   // 5 s after: a new probe
    }

    /// <summary>A storage account on a loopback port nothing listens on: every call fails to connect, and the client retries.</summary>
    private static PlantStorage DownStorage()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        string endpoint = $"http://127.0.0.1:{port}/devstoreaccount1";
        var account = new StorageAccount($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentKey};" +
                                         $"BlobEndpoint={endpoint};QueueEndpoint={endpoint};TableEndpoint={endpoint};");
        return new PlantStorage(account, Options.Create(new PlantOptions { TaskHub = "down" }), Options.Create(new ContainerOptions()));
    }
}
