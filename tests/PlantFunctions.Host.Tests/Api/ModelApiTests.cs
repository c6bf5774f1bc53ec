using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

[Collection(AzuriteCollection.Name)]
public sealed class ModelApiTests(AzuriteFixture azurite)
{
    private static readonly string Versions = $"/api/models/{PlantTestSettings.ModelName}/versions";

    [Fact]
    public async Task Upload_AModelFileLargerThanKestrelsDefaultLimit_RegistersAndActivatesIt()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host, "v1");
        // A loadable (fake) model file padded past Kestrel's 30 MB default request size: real CPU-preset models are ~30 MB.
        string padded = $$"""{"kind":"fake","name":"{{PlantTestSettings.ModelName}}","version":"v2","padding":"{{new string('x', 31_000_000)}}"}""";

        using var upload = await PutAsync(host.Client, $"{Versions}/v2?activate=true", Encoding.UTF8.GetBytes(padded));
        var listed = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal("v2", listed.GetProperty("activeVersion").GetString());
        var v2 = listed.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "v2");
        Assert.True(v2.GetProperty("sizeBytes").GetInt64() > 31_000_000);
    }

    [Fact]
    public async Task Upload_WithoutActivate_KeepsTheActiveVersion()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host, "v1");

        using var upload = await PutAsync(host.Client, $"{Versions}/v2", PlantFunctions.Testing.Fakes.FakeModelFile.Create(PlantTestSettings.ModelName, "v2").ToArray());
        var listed = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal("v1", listed.GetProperty("activeVersion").GetString());
        Assert.Equal(2, listed.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Upload_AFileTheLoaderRejects_Is400WithTheReasonAndRegistersNothing()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host, "v1");

        using var garbage = await PutAsync(host.Client, $"{Versions}/v2", Encoding.UTF8.GetBytes("this is not a model"));
        using var empty = await PutAsync(host.Client, $"{Versions}/v3", []);
        var listed = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not a model this service can load", await garbage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("empty", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, listed.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Upload_AnExistingVersion_Is409AndTheStoredFileIsUnchanged()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host, "v1");
        var before = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        using var again = await PutAsync(host.Client, $"{Versions}/v1?activate=true",
            Encoding.UTF8.GetBytes($$"""{"kind":"fake","name":"other","version":"v1","padding":"longer than the first"}"""));
        var after = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("cannot be replaced", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SizeOf(before, "v1"), SizeOf(after, "v1"));
    }

    [Fact]
    public async Task Upload_TheSameNewVersionTwiceAtOnce_ExactlyOneWins()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        await BatchKit.RegisterModelAsync(host, "v1");
        byte[] first = Encoding.UTF8.GetBytes($$"""{"kind":"fake","name":"a","version":"v2"}""");
        byte[] second = Encoding.UTF8.GetBytes($$"""{"kind":"fake","name":"b","version":"v2","padding":"different"}""");

        var responses = await Task.WhenAll(PutAsync(host.Client, $"{Versions}/v2", first), PutAsync(host.Client, $"{Versions}/v2", second));
        var stored = (await host.Get<PlantFunctions.Pipeline.Storage.PlantStorage>().ModelFiles.GetBlobClient($"{PlantTestSettings.ModelName}/v2/model.bin").DownloadContentAsync()).Value.Content.ToArray();

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        Assert.True(stored.SequenceEqual(first) || stored.SequenceEqual(second));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await client.PutAsync(new Uri(path, UriKind.Relative), content);
    }

    private static long SizeOf(JsonElement listing, string version) =>
        listing.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == version).GetProperty("sizeBytes").GetInt64();
}
