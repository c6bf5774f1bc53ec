using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Host;
using PlantFunctions.Model.Synthetic;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Orchestration;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Runs one batch with N worker processes on a fresh task hub and reads the throughput from its summary. The coordinator
/// (planner, fan-in) runs in this process; the workers are separate processes like in production.
/// </summary>
internal sealed class ThroughputBenchmark(BenchmarkSettings settings)
{
    public async Task<BenchmarkResult> RunAsync(string connectionString, CancellationToken cancellationToken)
    {
        string taskHub = "bench" + Guid.NewGuid().ToString("N")[..10];
        var common = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Plant:TaskHub"] = taskHub,
            ["Plant:ModelName"] = "bench",
            ["Plant:Device"] = settings.Device,
            ["Plant:Api:FunctionKeys"] = "bench",
            ["Plant:Containers:Notes"] = taskHub + "-notes",
            ["Plant:Containers:Results"] = taskHub + "-results",
            ["Plant:Containers:Models"] = taskHub + "-models",
            ["Plant:Containers:Training"] = taskHub + "-training",
            ["Plant:Batches:NotesPerShard"] = settings.NotesPerShard.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Plant:Workers:Count"] = settings.LoopsPerWorker.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Plant:Workers:PollInterval"] = "00:00:00.200",
            ["Plant:Batches:SweepInterval"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var coordinatorSettings = new Dictionary<string, string?>(common) { ["Plant:Roles"] = "api", ["urls"] = "http://127.0.0.1:0" };
        var app = PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions { ReadLocalSettings = false, Overrides = coordinatorSettings });
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var hub = app.Services.GetRequiredService<TaskHub>();
            var model = await app.Services.GetRequiredService<ModelRegistry>().RegisterAsync("bench", "bench",
                new BinaryData(await File.ReadAllBytesAsync(settings.ModelFile, cancellationToken).ConfigureAwait(false)), new Dictionary<string, double>(),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await UploadNotesAsync(hub, cancellationToken).ConfigureAwait(false);

            var workerSettings = new Dictionary<string, string?>(common)
            {
                ["Plant:Roles"] = "worker",
                ["Plant:Threads"] = settings.Threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var workers = Enumerable.Range(0, settings.Workers).Select(_ => new WorkerProcess(settings.WorkerHost, workerSettings)).ToList();
            try
            {
                var clock = Stopwatch.StartNew();
                var batches = app.Services.GetRequiredService<BatchService>();
                await batches.StartAsync(new BatchStartRequest("bench/", BatchId: "bench"), cancellationToken: cancellationToken).ConfigureAwait(false);
                BatchView? view;
                while (true)
                {
                    view = await batches.GetAsync("bench", cancellationToken).ConfigureAwait(false);
                    if (view!.Status.IsTerminal() || workers.All(w => w.HasExited))
                    {
                        break;
                    }

                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                }

                if (!view.Status.IsTerminal())
                {
                    throw new InvalidOperationException($"every worker process exited before the batch finished; the first one said:{Environment.NewLine}{workers[0].Output}");
                }

                var summary = view.SummaryBlob is null ? null
                    : (await hub.Results.GetBlobClient(view.SummaryBlob).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options);
                return new BenchmarkResult(view, summary, clock.Elapsed, model.Version);
            }
            finally
            {
                foreach (var worker in workers)
                {
                    worker.Dispose();
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task UploadNotesAsync(TaskHub hub, CancellationToken cancellationToken)
    {
        if (settings.NotesPath is { } path)
        {
            var files = Directory.Exists(path) ? Directory.EnumerateFiles(path) : [path];
            foreach (string file in files.Where(f => PlantFunctions.Model.Notes.NoteReader.FormatOf(f) is not null))
            {
                await hub.Notes.GetBlobClient("bench/" + Path.GetFileName(file)).UploadAsync(file, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var corpus = new SyntheticCorpus(new SyntheticCorpusOptions { Documents = settings.Notes, MedianWords = settings.MedianWords });
        var text = new StringBuilder();
        foreach (var note in corpus.Notes())
        {
            text.Append(JsonSerializer.Serialize(new { id = note.Id, text = note.Text })).Append('\n');
        }

        await hub.Notes.GetBlobClient("bench/synthetic.jsonl").UploadAsync(BinaryData.FromString(text.ToString()), cancellationToken).ConfigureAwait(false);
    }
}
