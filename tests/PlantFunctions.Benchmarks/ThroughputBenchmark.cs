using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DurableTask.AzureStorage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Runs one batch on a fresh task hub of the Durable Task engine (DTFx's Azure Storage backend): the API host (role
/// <c>api</c>) in this process, N worker host processes (role <c>worker</c>: the orchestrator and the shards), the batch
/// started and followed through the HTTP API like a client would. Then, with the workers stopped and nothing purged, it
/// reads the batch instance's rows in the History and Instances tables and, when asked, replays the orchestrator's last
/// execution offline.
/// </summary>
internal sealed class ThroughputBenchmark(BenchmarkSettings settings)
{
    public const string BatchId = "bench";
    public const string FunctionKey = "bench";

    /// <summary>How often the status URL is polled.</summary>
    public static readonly TimeSpan StatusPoll = TimeSpan.FromSeconds(1);

    /// <summary>How often a worker renews its partition leases and looks for free ones (the default 10 s would delay the first orchestration step).</summary>
    public static readonly TimeSpan PartitionRenew = TimeSpan.FromSeconds(1);

    public async Task<BenchmarkResult> RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        string taskHub = "bench" + Guid.NewGuid().ToString("N")[..10];
        var common = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Plant:TaskHub"] = taskHub,
            ["Plant:ModelName"] = "bench",
            ["Plant:Device"] = settings.Device,
            ["Plant:Api:FunctionKeys"] = FunctionKey,
            ["Plant:Containers:Notes"] = taskHub + "-notes",
            ["Plant:Containers:Results"] = taskHub + "-results",
            ["Plant:Containers:Models"] = taskHub + "-models",
            ["Plant:Containers:Training"] = taskHub + "-training",
            ["Plant:Batches:NotesPerShard"] = Invariant(settings.NotesPerShard),
            ["Plant:Batches:ShardsPerGeneration"] = Invariant(settings.ShardsPerGeneration),
            ["Plant:Batches:WatchReadyMarkers"] = "false",
            ["Plant:Workers:Count"] = Invariant(settings.LoopsPerWorker),
            ["Plant:Durable:MaxQueuePollingInterval"] = settings.QueuePolling.ToString("c", CultureInfo.InvariantCulture),
            ["Plant:Durable:PartitionRenewInterval"] = PartitionRenew.ToString("c", CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (settings.VisibilityTimeout is { } visibility)
        {
            common["Plant:Durable:WorkItemVisibilityTimeout"] = visibility.ToString("c", CultureInfo.InvariantCulture);
            common["Plant:Durable:ControlQueueVisibilityTimeout"] = visibility.ToString("c", CultureInfo.InvariantCulture);
        }

        var apiSettings = new Dictionary<string, string?>(common) { ["Plant:Roles"] = "api", ["urls"] = "http://127.0.0.1:0" };
        var app = PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions { ReadLocalSettings = false, Overrides = apiSettings });
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var storage = app.Services.GetRequiredService<PlantStorage>();
            await app.Services.GetRequiredService<ModelRegistry>().RegisterAsync("bench", "bench",
                new BinaryData(await File.ReadAllBytesAsync(settings.ModelFile, cancellationToken).ConfigureAwait(false)), new Dictionary<string, double>(),
                activate: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            await UploadNotesAsync(storage, cancellationToken).ConfigureAwait(false);

            var workerSettings = new Dictionary<string, string?>(common)
            {
                ["Plant:Roles"] = "worker",
                ["Plant:Threads"] = Invariant(settings.Threads),
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            };
            if (settings.KillAtPercent is not null)
            {
                // The shard log lines time each worker's shards (idle time after the kill).
                workerSettings["Logging:LogLevel:PlantFunctions.Pipeline.Batches.CodeShardActivity"] = "Information";
                workerSettings["Logging:Console:FormatterName"] = "simple";
                workerSettings["Logging:Console:FormatterOptions:SingleLine"] = "true";
            }

            if (settings.FakeDelayMilliseconds > 0)
            {
                workerSettings["PLANT_FAKE_DELAY_MS"] = Invariant(settings.FakeDelayMilliseconds);
            }

            var startup = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, settings.Workers).Select(_ => new WorkerProcess(settings.WorkerHost, workerSettings, startup)).ToList();
            if (settings.WarmWorkers)
            {
                // A service's workers are up before its batches come: start the clock once every worker has started.
                while (!workers.All(w => w.Output.Contains("Application started", StringComparison.Ordinal)))
                {
                    if (workers.FirstOrDefault(w => w.HasExited) is { } dead)
                    {
                        throw new InvalidOperationException($"a worker process exited while starting; it said:{Environment.NewLine}{dead.Output}");
                    }

                    await Task.Delay(100, cancellationToken).ConfigureAwait(false);
                }
            }

            var workerStartup = startup.Elapsed;
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var api = new PlantApiClient(http, FunctionKey);
            InstanceStatus status;
            TimeSpan wallClock;
            Failover? failover = null;
            try
            {
                var submitted = startup.Elapsed;
                (TimeSpan At, double Percent)? killed = null;
                var started = await api.StartBatchAsync(new BatchStartRequest("bench/", BatchId: BatchId), cancellationToken).ConfigureAwait(false);
                // With a kill, the batch is followed through /api/batches/{id}, whose progress counts the shards of the blocks
                // in flight too (Durable's status URL shows the batch orchestration's own, which moves a block at a time).
                var follow = settings.KillAtPercent is null ? new Uri(started.StatusQueryGetUri) : new Uri($"api/batches/{BatchId}", UriKind.Relative);
                status = await api.WaitForEndAsync(follow, progress =>
                {
                    double percent = progress.ReadCustomStatus<BatchProgress>()?.PercentComplete ?? 0;
                    if (killed is null && settings.KillAtPercent is { } at && percent >= at)
                    {
                        workers[0].Kill();
                        killed = (startup.Elapsed, percent);
                    }

                    if (workers.Skip(killed is null ? 0 : 1).FirstOrDefault(w => w.HasExited) is { } dead)
                    {
                        throw new InvalidOperationException($"a worker process exited (code {dead.ExitCode}) before the batch finished; it said:{Environment.NewLine}{dead.Output}");
                    }
                }, StatusPoll, cancellationToken).ConfigureAwait(false);
                var end = startup.Elapsed;
                wallClock = end - submitted;
                if (killed is { } kill)
                {
                    failover = Failover.Measure(workers.Skip(1), kill.At, end, submitted, kill.Percent);
                }
            }
            finally
            {
                // Idle workers keep polling the queues: stop them before the history is read and replayed.
                foreach (var worker in workers)
                {
                    worker.Dispose();
                }
            }

            try
            {
                var input = status.Input is { ValueKind: JsonValueKind.Object } element ? element.Deserialize<CodeBatchInput>(PlantJson.Options) : null;
                var summary = status.ReadOutput<BatchOutput>() is { } output
                    ? (await storage.Account.Blobs.GetBlobContainerClient(output.ResultsContainer).GetBlobClient(output.Summary)
                        .DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)
                    : null;
                var history = await HistorySize.MeasureAsync(storage.Account.Tables, taskHub, BatchId, cancellationToken).ConfigureAwait(false);
                var replay = settings.Replays > 0 && history.LastExecutionId is { } executionId
                    ? await OrchestratorReplay.MeasureAsync(app.Services.GetRequiredService<AzureStorageOrchestrationService>(), BatchId, executionId, settings.Replays,
                        settings.ReplayAllEpisodes)
                        .ConfigureAwait(false)
                    : null;
                return new BenchmarkResult(status, input, summary, wallClock, history, replay, settings.WarmWorkers ? workerStartup : null, failover);
            }
            finally
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task UploadNotesAsync(PlantStorage storage, CancellationToken cancellationToken)
    {
        if (settings.NotesPath is { } path)
        {
            var files = Directory.Exists(path) ? Directory.EnumerateFiles(path) : [path];
            foreach (string file in files.Where(f => PlantFunctions.Model.Notes.NoteReader.FormatOf(f) is not null))
            {
                await storage.Notes.GetBlobClient("bench/" + Path.GetFileName(file)).UploadAsync(file, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = settings.Notes, MedianWords = settings.MedianWords });
        var text = new StringBuilder();
        foreach (var note in corpus.Notes())
        {
            text.Append(JsonSerializer.Serialize(new { id = note.Id, text = note.Text })).Append('\n');
        }

        await storage.Notes.GetBlobClient("bench/synthetic.jsonl").UploadAsync(BinaryData.FromString(text.ToString()), cancellationToken).ConfigureAwait(false);
    }
}
