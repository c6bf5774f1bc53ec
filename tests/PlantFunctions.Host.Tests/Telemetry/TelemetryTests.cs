using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Telemetry;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Telemetry;

/// <summary>Traces and metrics of a batch, and their export to Azure Monitor when a connection string is configured.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_RecordsSpansPerShardAndCountsNotesShardsAndModelLoads()
    {
        var measurements = new ConcurrentDictionary<string, double>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PlantTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        meters.SetMeasurementEventCallback<double>((instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name + ".count", 1, (_, sum) => sum + 1));
        meters.Start();
        var spans = new ConcurrentBag<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PlantTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(tracing);
        await using var host = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker", notesPerShard: 10));
        await BatchKit.RegisterModelAsync(host);
        string batch = azurite.UniqueName("tel");
        await BatchKit.UploadAsync(host, $"{batch}/", ("a.jsonl", TestNotes.JsonLines(30) + "not json\n"));

        await BatchKit.StartAsync(host, new BatchStartRequest($"{batch}/", BatchId: batch));
        await BatchKit.WaitForEndAsync(host, batch);
        meters.RecordObservableInstruments();

        // Measurements are process-wide (other tests may run batches too): at least this batch's counts.
        Assert.True(measurements.GetValueOrDefault("plant.notes.coded") >= 30);
        Assert.True(measurements.GetValueOrDefault("plant.notes.failed") >= 1);
        Assert.True(measurements.GetValueOrDefault("plant.shards.coded") >= 4);
        Assert.True(measurements.GetValueOrDefault("plant.coding.duration.count") >= 4);
        Assert.True(measurements.GetValueOrDefault("plant.batches.started") >= 1);
        Assert.True(measurements.GetValueOrDefault("plant.batches.finished") >= 1);
        Assert.True(measurements.GetValueOrDefault("plant.model.loads") >= 1);
        var shardSpans = spans.Where(s => s.OperationName == "CodeShard" && (string?)s.GetTagItem("plant.batch") == batch).ToList();
        Assert.Equal(4, shardSpans.Select(s => s.GetTagItem("plant.shard")).Distinct().Count());
        Assert.Contains(spans, s => s.OperationName == "PlanBatch" && (string?)s.GetTagItem("plant.batch") == batch);
    }

    [Fact]
    public async Task Host_WithAnApplicationInsightsConnectionString_ExportsItsSpansToTheIngestionEndpoint()
    {
        var received = new ConcurrentBag<string>();
        var ingestion = WebApplication.CreateSlimBuilder();
        ingestion.WebHost.UseUrls("http://127.0.0.1:0");
        await using var sink = ingestion.Build();
        sink.Run(async context =>
        {
            var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            buffer.Position = 0;
            Stream body = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(buffer, CompressionMode.Decompress)
                : buffer;
            using var reader = new StreamReader(body);
            string text = await reader.ReadToEndAsync();
            received.Add($"{context.Request.Path} {text}");
            int items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;   // accept every item, as the service does
            context.Response.StatusCode = StatusCodes.Status200OK;
            await context.Response.WriteAsync($"{{\"itemsReceived\":{items},\"itemsAccepted\":{items},\"errors\":[]}}");
        });
        await sink.StartAsync();
        string endpoint = sink.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var settings = PlantTestSettings.For(azurite, azurite.UniqueName("t"), "api,worker");
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] =
            $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint={endpoint}/;LiveEndpoint={endpoint}/";
        await using var host = await TestPlantHost.StartAsync(settings);
        await BatchKit.RegisterModelAsync(host);
        await BatchKit.UploadAsync(host, "exp/", ("a.jsonl", TestNotes.JsonLines(5)));

        await BatchKit.StartAsync(host, new BatchStartRequest("exp/", BatchId: "exp"));
        await BatchKit.WaitForEndAsync(host, "exp");

        await Poll.UntilAsync(() => Task.FromResult(received.Any(r => r.Contains("CodeShard", StringComparison.Ordinal))), TimeSpan.FromSeconds(60),
            "a CodeShard span to reach the ingestion endpoint",
            () => string.Join(Environment.NewLine, received.SelectMany(r => r.Split('\n')).Where(line => line.Contains("RemoteDependencyData", StringComparison.Ordinal))
                .Select(line => line[..Math.Min(900, line.Length)])));
        Assert.Contains(received, r => r.StartsWith("/v2.1/track", StringComparison.Ordinal));
    }
}
