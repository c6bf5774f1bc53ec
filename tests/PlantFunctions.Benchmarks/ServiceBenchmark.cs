using System.CommandLine;
using System.Runtime.InteropServices;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Benchmarks;

/// <summary>Batch-service throughput: N worker processes against one batch; notes/s from the batch summary.</summary>
internal static class ServiceBenchmark
{
    public static int Run(string[] args)
    {
        var workers = new Option<int>("--workers") { Description = "Worker processes", DefaultValueFactory = _ => 2 };
        var loops = new Option<int>("--loops") { Description = "Work-item loops per worker process (Plant:Workers:Count)", DefaultValueFactory = _ => 1 };
        var perShard = new Option<int>("--notes-per-shard") { Description = "Plant:Batches:NotesPerShard", DefaultValueFactory = _ => 64 };
        var notes = new Option<int>("--notes") { Description = "Synthetic notes to generate (ignored with --notes-path)", DefaultValueFactory = _ => 2000 };
        var words = new Option<int>("--median-words") { Description = "Median words per synthetic note", DefaultValueFactory = _ => 300 };
        var notesPath = new Option<string?>("--notes-path") { Description = "A note file or folder to code instead of synthetic notes" };
        var modelFile = new Option<string>("--model-file") { Description = "The model file to register and code with", Required = true };
        var workerHost = new Option<string?>("--worker-host") { Description = "Host assembly the workers run (default: the production PlantFunctions.Host.dll next to this benchmark)" };
        var device = new Option<string>("--device") { Description = "Plant:Device", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads")
        {
            Description = "Plant:Threads of each worker process; 0 (default) shares this machine's cores among the workers, -1 leaves libtorch's default (all cores each)",
            DefaultValueFactory = _ => 0,
        };
        var root = new RootCommand("Batch-service throughput: N worker processes code one batch on a fresh task hub; notes/s from the batch summary. " +
                                   "Storage: AzureWebJobsStorage when set, otherwise a private Azurite.")
        {
            workers, loops, perShard, notes, words, notesPath, modelFile, workerHost, device, threads,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchmarkSettings(parse.GetValue(workers), parse.GetValue(loops), parse.GetValue(perShard), parse.GetValue(notes), parse.GetValue(words),
                parse.GetValue(notesPath), parse.GetValue(modelFile)!, Path.GetFullPath(parse.GetValue(workerHost) ?? Path.Combine(AppContext.BaseDirectory, "PlantFunctions.Host.dll")),
                parse.GetValue(device)!, ThreadsPerWorker(parse.GetValue(threads), parse.GetValue(workers)));
            string? configured = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
            AzuriteEmulator? azurite = configured is null ? await AzuriteEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false) : null;
            try
            {
                var result = await new ThroughputBenchmark(settings).RunAsync(configured ?? azurite!.ConnectionString, cancellationToken).ConfigureAwait(false);
                var table = new Table().AddColumns("measure", "value");
                table.AddRow("machine", Markup.Escape($"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}"));
                table.AddRow("storage", configured is null ? "private Azurite" : "AzureWebJobsStorage");
                table.AddRow("workers", Markup.Escape($"{settings.Workers} processes x {settings.LoopsPerWorker} loops, device {settings.Device}, {(settings.Threads > 0 ? $"{settings.Threads} torch threads each" : "libtorch's default threads")}, host {Path.GetFileName(settings.WorkerHost)}"));
                table.AddRow("batch", Markup.Escape($"{result.Batch.NotesTotal:N0} notes in {result.Batch.ShardsTotal:N0} shards of {settings.NotesPerShard}; status {result.Batch.Status}"));
                if (result.Summary is { } summary)
                {
                    table.AddRow("throughput", $"{summary.NotesPerSecond:N1} notes/s (planned to done, {(summary.CompletedTime - (summary.StartedTime ?? summary.CreatedTime)).TotalSeconds:N1} s)");
                    table.AddRow("end to end", $"{result.Batch.NotesTotal / result.WallClock.TotalSeconds:N1} notes/s (submission to summary, {result.WallClock.TotalSeconds:N1} s, model loading included)");
                    table.AddRow("inside the coder", $"{summary.CodingSeconds:N1} s summed over shards ({summary.NotesTotal / Math.Max(1e-9, summary.CodingSeconds):N1} notes/s per inference stream)");
                    table.AddRow("notes", $"{summary.NotesCoded:N0} coded, {summary.NotesFailed:N0} failed");
                }

                AnsiConsole.Write(table);
                return result.Batch.Status == PlantFunctions.Pipeline.Orchestration.RuntimeStatus.Completed ? 0 : 1;
            }
            catch (InvalidOperationException ex)
            {
                AnsiConsole.MarkupLine($"[red]benchmark failed:[/] {Markup.Escape(ex.Message)}");
                return 1;
            }
            finally
            {
                if (azurite is not null)
                {
                    await azurite.StopAsync().ConfigureAwait(false);
                }
            }
        });
        return root.Parse(args).Invoke();
    }

    private static int ThreadsPerWorker(int requested, int workers) =>
        requested switch
        {
            0 => Math.Max(1, Environment.ProcessorCount / Math.Max(1, workers)),
            < 0 => 0,
            _ => requested,
        };
}
