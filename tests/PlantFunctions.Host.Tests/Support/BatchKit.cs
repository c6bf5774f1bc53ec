using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Support;

/// <summary>Arrange/act/assert helpers for batches against a test host.</summary>
internal static class BatchKit
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static PlantApiClient Api(TestPlantHost host) => new(host.Client, null);

    public static async Task RegisterModelAsync(TestPlantHost host, string version = "v1") =>
        await host.Get<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, version, FakeModelFile.Create(PlantTestSettings.ModelName, version),
            new Dictionary<string, double> { ["MAP"] = 0.5 }, activate: true);

    public static async Task UploadAsync(TestPlantHost host, string prefix, params (string Name, string Content)[] files)
    {
        var notes = host.Get<PlantStorage>().Notes;
        foreach (var (name, content) in files)
        {
            await notes.GetBlobClient(prefix + name).UploadAsync(BinaryData.FromString(content), overwrite: true);
        }
    }

    public static Task<CheckStatusPayload> StartAsync(TestPlantHost host, BatchStartRequest request) => Api(host).StartBatchAsync(request);

    public static Task<InstanceStatus> WaitForEndAsync(TestPlantHost host, string batchId, Func<string>? diagnostics = null) =>
        Poll.ForAsync(() => Api(host).GetBatchAsync(batchId), s => s is not null && s.RuntimeStatus.IsTerminal(), Timeout,
            $"batch {batchId} to finish", diagnostics)!;

    /// <summary>Every record of every shard result blob of a batch.</summary>
    public static async Task<List<JsonElement>> ReadResultsAsync(BlobContainerClient results, string batchId)
    {
        var records = new List<JsonElement>();
        await foreach (var blob in results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           BatchPaths.ShardResultsPrefix(batchId), CancellationToken.None))
        {
            var content = (await results.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            foreach (string line in Encoding.UTF8.GetString(content.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }

    public static async Task<BatchSummary> ReadSummaryAsync(BlobContainerClient results, string batchId) =>
        (await results.GetBlobClient(BatchPaths.Summary(batchId)).DownloadContentAsync()).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)!;

    /// <summary>Asserts each note appears exactly once (by source location) and returns the records by source.</summary>
    public static Dictionary<string, JsonElement> AssertExactlyOnce(List<JsonElement> records, int expected)
    {
        var duplicates = records.GroupBy(r => r.GetProperty("source").GetString()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"notes recorded more than once: {string.Join(", ", duplicates.Take(10))}");
        Assert.Equal(expected, records.Count);
        return records.ToDictionary(r => r.GetProperty("source").GetString()!);
    }

    /// <summary>The engine's client in the host.</summary>
    public static DurableTaskClient Client(TestPlantHost host) => host.Get<DurableTaskClient>();
}
