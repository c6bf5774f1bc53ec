using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Api;

/// <summary>Model uploads under the faults of issue 22: bodies without a length, registrations that stopped half way.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ModelUploadFaultTests(AzuriteFixture azurite)
{
    private static readonly string Versions = $"/api/models/{PlantTestSettings.ModelName}/versions";

    [Fact]
    public async Task Upload_ChunkedBody_ReachesStorageAsItArrives()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        var file = host.Get<PlantStorage>().ModelFiles.GetBlockBlobClient($"{PlantTestSettings.ModelName}/v2/model.bin");
        byte[] model = Encoding.UTF8.GetBytes($$"""{"kind":"fake","name":"{{PlantTestSettings.ModelName}}","version":"v2","padding":"{{new string('x', 9_000_000)}}"}""");
        var body = new HeldStream(model, holdAt: 6_000_000);
        var content = new StreamContent(body);   // no length: sent chunked
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var upload = host.Client.PutAsync(new Uri($"{Versions}/v2", UriKind.Relative), content);
        // The first 6 MB are sent and the rest held back: a service that streams has staged a block of them already.
        await Poll.UntilAsync(async () => await UncommittedBlocksAsync(file) > 0, TimeSpan.FromSeconds(60),
            "the first block of the body to be staged in storage while the rest is still to come");
        body.Release();
        using var response = await upload;
        var listed = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(model.Length, Assert.Single(listed.GetProperty("versions").EnumerateArray()).GetProperty("sizeBytes").GetInt64());
        Assert.Equal(model, (await file.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task Upload_AfterAnUploadStoppedBeforeItsRowWasWritten_TheSameFileResumesAndOtherContentIs409()
    {
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api"));
        var storage = host.Get<PlantStorage>();
        byte[] model = PlantFunctions.Testing.Fakes.FakeModelFile.Create(PlantTestSettings.ModelName, "v2").ToArray();
        using (var first = await PutAsync(host.Client, $"{Versions}/v2", model))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // As if the first upload had stopped after storing model.bin, before the registry row was written.
        await storage.Models.DeleteEntityAsync(PlantTestSettings.ModelName, "v:v2");
        using var other = await PutAsync(host.Client, $"{Versions}/v2", Encoding.UTF8.GetBytes("""{"kind":"fake","name":"x","version":"v2"}"""));
        using var again = await PutAsync(host.Client, $"{Versions}/v2", model);
        var listed = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri(Versions, UriKind.Relative))).RootElement;

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("v2", Assert.Single(listed.GetProperty("versions").EnumerateArray()).GetProperty("version").GetString());
        Assert.Equal(model, (await storage.ModelFiles.GetBlobClient($"{PlantTestSettings.ModelName}/v2/model.bin").DownloadContentAsync()).Value.Content.ToArray());
    }

    private static async Task<int> UncommittedBlocksAsync(BlockBlobClient file)
    {
        try
        {
            return (await file.GetBlockListAsync(BlockListTypes.Uncommitted)).Value.UncommittedBlocks.Count();
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await client.PutAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>A request body that stops at <c>holdAt</c> bytes until released (a slow client, or a large file on its way).</summary>
    private sealed class HeldStream(byte[] content, int holdAt) : Stream
    {
        private readonly SemaphoreSlim released = new(0, 1);
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public void Release() => released.Release();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (position == holdAt)
            {
                await released.WaitAsync(cancellationToken);
            }

            int end = position < holdAt ? holdAt : content.Length;
            int count = Math.Min(buffer.Length, end - position);
            content.AsMemory(position, count).CopyTo(buffer);
            position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                released.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
