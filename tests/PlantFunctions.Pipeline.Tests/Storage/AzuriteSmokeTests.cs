using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;

namespace PlantFunctions.Pipeline.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSmokeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Blob_UploadThenDownload_ReturnsTheSameBytes()
    {
        var container = azurite.Account.Blobs.GetBlobContainerClient(azurite.UniqueName("blobs"));
        await container.CreateAsync();
        byte[] content = "{\"id\": \"n1\", \"text\": \"chest pain\"}\n"u8.ToArray();

        await container.GetBlobClient("notes/b1/part-0.jsonl").UploadAsync(new BinaryData(content));
        BlobDownloadResult downloaded = (await container.GetBlobClient("notes/b1/part-0.jsonl").DownloadContentAsync()).Value;

        Assert.Equal(content, downloaded.Content.ToArray());
    }

    [Fact]
    public async Task Table_UpdateWithStaleETag_IsRejectedWith412()
    {
        var table = azurite.Account.Tables.GetTableClient(azurite.UniqueName("table"));
        await table.CreateAsync();
        await table.UpsertEntityAsync(new TableEntity("batch", "b1") { ["Done"] = 0 });
        var first = (await table.GetEntityAsync<TableEntity>("batch", "b1")).Value;
        var second = (await table.GetEntityAsync<TableEntity>("batch", "b1")).Value;

        first["Done"] = 1;
        await table.UpdateEntityAsync(first, first.ETag, TableUpdateMode.Replace);
        second["Done"] = 2;
        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(second, second.ETag, TableUpdateMode.Replace));

        Assert.Equal(412, conflict.Status);
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("batch", "b1")).Value.GetInt32("Done"));
    }

    [Fact]
    public async Task Emulator_StartedSeparately_StopsByPid()
    {
        var emulator = await AzuriteEmulator.StartAsync(RepoPaths.Root);
        int pid = emulator.ProcessId;
        var account = new StorageAccount(emulator.ConnectionString);
        await account.Blobs.GetBlobContainerClient("probe").CreateAsync();

        await emulator.StopAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }
}
