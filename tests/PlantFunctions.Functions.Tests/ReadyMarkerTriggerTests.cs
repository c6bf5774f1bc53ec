using System.Reflection;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PlantFunctions.Functions.Triggers;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Functions.Tests;

/// <summary>
/// The ready-marker blob trigger fires for every blob written to the notes container, note files of gigabytes too: it
/// must bind a client of the blob (the host downloads byte[], string, Stream and BinaryData before the call) and read
/// nothing of a blob that is not a marker.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReadyMarkerTriggerTests(AzuriteFixture azurite)
{
    private static readonly ParameterInfo Trigger = typeof(ReadyMarkerTrigger).GetMethod(nameof(ReadyMarkerTrigger.RunAsync))!.GetParameters()
        .Single(p => p.GetCustomAttribute<BlobTriggerAttribute>() is not null);

    [Fact]
    public void ReadyMarker_BindsABlobClient_SoTheHostDownloadsNothing() =>
        Assert.True(typeof(BlobBaseClient).IsAssignableFrom(Trigger.ParameterType), $"the blob trigger binds {Trigger.ParameterType.Name}, which the host downloads first");

    [Fact]
    public async Task ReadyMarker_RunOnABigNoteFileAndOnAMarker_ReadsNothingOfTheFileAndStartsTheMarkersBatch()
    {
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("f"), "api,worker");
        settings["Plant:Batches:WatchReadyMarkers"] = "false";   // only the trigger under test starts batches
        await using var host = await TestPlantHost.StartAsync(settings);
        await host.Get<ModelRegistry>().RegisterAsync(PlantTestSettings.ModelName, "v1", FakeModelFile.Create(PlantTestSettings.ModelName, "v1"),
            new Dictionary<string, double>(), activate: true);
        var notes = host.Get<PlantStorage>().Notes;
        await notes.GetBlobClient("big/notes.jsonl").UploadAsync(new BinaryData(new byte[32 * 1024 * 1024]), overwrite: true);
        await notes.GetBlobClient("small/notes.jsonl").UploadAsync(BinaryData.FromString(TestNotes.JsonLines(3)), overwrite: true);
        await notes.GetBlobClient("small/_ready").UploadAsync(BinaryData.Empty, overwrite: true);
        var requests = new RecordingPolicy();
        var options = new BlobClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        BlobClient Blob(string name) => new(azurite.ConnectionString, notes.Name, name, options);
        var trigger = new ReadyMarkerTrigger(host.Get<ReadyMarkers>());
        var client = host.Get<DurableTaskClient>();

        await trigger.RunAsync(Blob("big/notes.jsonl"), "big/notes.jsonl", client, CancellationToken.None);
        int requestsForTheNoteFile = requests.Count;
        await trigger.RunAsync(Blob("small/_ready"), "small/_ready", client, CancellationToken.None);
        var batch = await client.GetInstanceAsync("small");

        Assert.Equal(0, requestsForTheNoteFile);
        Assert.NotNull(batch);
        Assert.Equal("CodeBatch", batch.Name);
    }

    /// <summary>Counts the requests a client sends.</summary>
    private sealed class RecordingPolicy : HttpPipelineSynchronousPolicy
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref count);
    }
}
