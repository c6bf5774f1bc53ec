using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Support;

/// <summary>Arrange/act/assert helpers for batches against a test host.</summary>
internal static class BatchKit
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public static async Task RegisterModelAsync(TestPlantHost host, string version = "v1") =>
        await host.Get<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, version, FakeModelFile.Create(PlantTestSettings.ModelName, version),
            new Dictionary<string, double> { ["MAP"] = 0.5 }, activate: true);

    public static async Task UploadAsync(TestPlantHost host, string prefix, params (string Name, string Content)[] files)
    {
        var notes = host.Get<TaskHub>().Notes;
        foreach (var (name, content) in files)
        {
            await notes.GetBlobClient(prefix + name).UploadAsync(BinaryData.FromString(content), overwrite: true);
        }
    }

    public static async Task<JsonElement> StartAsync(TestPlantHost host, object request)
    {
        using var response = await host.Client.PostAsJsonAsync("/api/batches", request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> StatusAsync(HttpClient client, string batchId)
    {
        using var response = await client.GetAsync(new Uri($"/api/batches/{batchId}", UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"status of {batchId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<JsonElement> WaitForAsync(HttpClient client, string batchId, Func<string>? diagnostics = null, params string[] statuses) =>
        Poll.ForAsync(() => StatusAsync(client, batchId), s => statuses.Contains(s.GetProperty("runtimeStatus").GetString()), Timeout,
            $"batch {batchId} to reach {string.Join(" or ", statuses)}", diagnostics);

    /// <summary>Every record of every shard result blob of a batch.</summary>
    public static async Task<List<JsonElement>> ReadResultsAsync(BlobContainerClient results, string batchId)
    {
        var records = new List<JsonElement>();
        await foreach (var blob in results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, batchId + "/shard-", CancellationToken.None))
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
}
