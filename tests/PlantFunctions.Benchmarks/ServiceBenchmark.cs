using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// Batch-service throughput on the Durable Task engine: N worker processes code one batch on a fresh task hub; notes/s
/// from the batch summary and end to end; the batch orchestration's history size; optionally its replay time. Several
/// <c>--shards-per-generation</c> values run one batch each (each on a fresh private Azurite) into one table.
/// <c>replay</c> is the same benchmark with replays on and 100 against 1,600 shards per generation by default.
/// </summary>
internal static class ServiceBenchmark
{
    public static int Run(string[] args) => Run(args, replay: false);

    public static int RunReplay(string[] args) => Run(args, replay: true);

    /// <summary><c>failover</c>: <c>service</c> with 20,000 notes, 2 workers and the first worker killed at 50%.</summary>
    public static int RunFailover(string[] args) => Run(args, replay: false, failover: true);

    private static int Run(string[] args, bool replay, bool failover = false)
    {
        int defaultGeneration = new BatchOptions().ShardsPerGeneration;
        var workers = new Option<int>("--workers") { Description = "Worker processes", DefaultValueFactory = _ => 2 };
        var loops = new Option<int>("--loops") { Description = "Activities each worker process runs at once (Plant:Workers:Count)", DefaultValueFactory = _ => 1 };
        var perShard = new Option<int>("--notes-per-shard") { Description = "Plant:Batches:NotesPerShard", DefaultValueFactory = _ => replay ? 10 : 64 };
        var notes = new Option<int>("--notes") { Description = "Synthetic notes to generate (ignored with --notes-path)", DefaultValueFactory = _ => replay ? 16_000 : failover ? 20_000 : 2000 };
        var words = new Option<int>("--median-words") { Description = "Median words per synthetic note", DefaultValueFactory = _ => replay ? 30 : 300 };
        var notesPath = new Option<string?>("--notes-path") { Description = "A note file or folder to code instead of synthetic notes" };
        var modelFile = new Option<string>("--model-file") { Description = "The model file to register and code with", Required = true };
        var workerHost = new Option<string?>("--worker-host") { Description = "Host assembly the workers run (default: the production PlantFunctions.Host.dll next to this benchmark)" };
        var device = new Option<string>("--device") { Description = "Plant:Device", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads")
        {
            Description = "Plant:Threads of each worker process; 0 (default) shares this machine's cores among the workers, -1 leaves libtorch's default (all cores each)",
            DefaultValueFactory = _ => 0,
        };
        var generations = new Option<int[]>("--shards-per-generation")
        {
            Description = "Plant:Batches:ShardsPerGeneration (shards per ContinueAsNew generation of the batch orchestration); several values run one batch each, side by side",
            DefaultValueFactory = _ => replay ? [defaultGeneration, 1600] : [defaultGeneration],
            AllowMultipleArgumentsPerToken = true,
        };
        var replays = new Option<int>("--replays")
        {
            Description = "After the batch, replay the orchestrator's last execution offline this many times (median); 0 skips the replay",
            DefaultValueFactory = _ => replay ? 10 : 0,
        };
        var allEpisodes = new Option<bool>("--replay-all-episodes")
        {
            Description = "With --replays: also replay every episode of the last execution once and sum the times (default true; it grows much faster than the generation, so it is slow for a generation of thousands of shards)",
            DefaultValueFactory = _ => true,
        };
        var polling = new Option<double>("--queue-polling")
        {
            Description = "Plant:Durable:MaxQueuePollingInterval of every process, in seconds (the engine's default is 2)",
            DefaultValueFactory = _ => 0.25,
        };
        var warm = new Option<bool>("--warm-workers")
        {
            Description = "Start the clock once every worker process has started (a service's workers are up before its batches come); false: worker start-up is inside the clock",
            DefaultValueFactory = _ => true,
        };
        var killAt = new Option<double?>("--kill-at")
        {
            Description = "Kill the first worker process once the batch's percentComplete reaches this; the other workers' idle time after it is measured",
            DefaultValueFactory = _ => failover ? 50 : null,
        };
        var visibility = new Option<double?>("--visibility-timeout")
        {
            Description = "Plant:Durable:WorkItemVisibilityTimeout and ControlQueueVisibilityTimeout in seconds (default: the engine's 5 minutes)",
        };
        var fakeDelay = new Option<int>("--fake-delay-ms")
        {
            Description = "With the test host as --worker-host: milliseconds the fake coder spends per note (PLANT_FAKE_DELAY_MS)",
            DefaultValueFactory = _ => 0,
        };
        var root = new RootCommand(replay
            ? "Replay time and history size of the batch orchestration: one batch per --shards-per-generation value on a fresh task hub, then its last execution replayed offline through the orchestrator's code. " +
              "Storage: AzureWebJobsStorage when set, otherwise a private Azurite per batch."
            : "Batch-service throughput on the Durable Task engine: N worker processes code one batch on a fresh task hub; notes/s from the batch summary and end to end; history size. " +
              "Storage: AzureWebJobsStorage when set, otherwise a private Azurite per batch.")
        {
            workers, loops, perShard, notes, words, notesPath, modelFile, workerHost, device, threads, generations, replays, allEpisodes, polling, warm,
            killAt, visibility, fakeDelay,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var baseSettings = new BenchmarkSettings(parse.GetValue(workers), parse.GetValue(loops), parse.GetValue(perShard), parse.GetValue(notes), parse.GetValue(words),
                parse.GetValue(notesPath), parse.GetValue(modelFile)!, Path.GetFullPath(parse.GetValue(workerHost) ?? Path.Combine(AppContext.BaseDirectory, "PlantFunctions.Host.dll")),
                parse.GetValue(device)!, ThreadsPerWorker(parse.GetValue(threads), parse.GetValue(workers)), defaultGeneration,
                TimeSpan.FromSeconds(parse.GetValue(polling)), parse.GetValue(replays), parse.GetValue(allEpisodes), parse.GetValue(warm),
                parse.GetValue(killAt), parse.GetValue(visibility) is { } seconds ? TimeSpan.FromSeconds(seconds) : null, parse.GetValue(fakeDelay));
            var runs = parse.GetValue(generations) is { Length: > 0 } values ? values : [defaultGeneration];
            string? configured = Environment.GetEnvironmentVariable("AzureWebJobsStorage");
            if (Console.IsOutputRedirected)
            {
                // Spectre assumes 80 columns when the output goes to a file: the tables would wrap every cell.
                AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
            }

            WriteSettings(baseSettings, configured is null);

            var results = new List<(int ShardsPerGeneration, BenchmarkResult? Result, string? Error)>();
            foreach (int shardsPerGeneration in runs)
            {
                var settings = baseSettings with { ShardsPerGeneration = shardsPerGeneration };
                AnsiConsole.MarkupLine($"[grey]batch with {shardsPerGeneration} shards per generation...[/]");
                AzuriteEmulator? azurite = configured is null ? await AzuriteEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false) : null;
                try
                {
                    results.Add((shardsPerGeneration, await new ThroughputBenchmark(settings).RunAsync(configured ?? azurite!.ConnectionString, cancellationToken).ConfigureAwait(false), null));
                }
                catch (InvalidOperationException ex)
                {
                    AnsiConsole.MarkupLine($"[red]benchmark failed:[/] {Markup.Escape(ex.Message)}");
                    results.Add((shardsPerGeneration, null, ex.Message));
                }
                finally
                {
                    if (azurite is not null)
                    {
                        await azurite.StopAsync().ConfigureAwait(false);
                    }
                }
            }

            WriteResults(baseSettings, results);
            return results.All(r => r.Result?.Status.RuntimeStatus == RuntimeStatus.Completed) ? 0 : 1;
        });
        return root.Parse(args).Invoke();
    }

    private static void WriteSettings(BenchmarkSettings settings, bool privateAzurite)
    {
        var table = new Table().AddColumns("setting", "value");
        table.AddRow("machine", Markup.Escape($"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}"));
        table.AddRow("storage", privateAzurite ? "a private Azurite per batch" : "AzureWebJobsStorage (a fresh task hub per batch)");
        table.AddRow("api", "this process: PlantHost.Build, role api; the batch is started (POST /api/batches) and followed through its status URL over HTTP");
        table.AddRow("workers", Markup.Escape($"{settings.Workers} process{(settings.Workers == 1 ? "" : "es")} (role worker), {settings.LoopsPerWorker} activit{(settings.LoopsPerWorker == 1 ? "y" : "ies")} at once each, device {settings.Device}, " +
                                              $"{(settings.Threads > 0 ? $"{settings.Threads} torch threads each" : "libtorch's default threads")}, host {Path.GetFileName(settings.WorkerHost)}"));
        table.AddRow("engine", Markup.Escape($"DTFx Azure Storage: MaxQueuePollingInterval {settings.QueuePolling.TotalSeconds:0.###} s, PartitionRenewInterval " +
                                             $"{ThroughputBenchmark.PartitionRenew.TotalSeconds:0.###} s, other Plant:Durable settings at their defaults (4 partitions); extended sessions off " +
                                             $"(every episode replays the execution's history); status polled every {ThroughputBenchmark.StatusPoll.TotalSeconds:0.###} s"));
        table.AddRow("failure", Markup.Escape(settings.KillAtPercent is { } kill
            ? $"the first worker process killed (by PID) once the batch is {kill:0.#}% done; visibility timeouts {(settings.VisibilityTimeout is { } v ? $"{v.TotalSeconds:0.###} s" : "the engine's default (5 min)")}"
            : "none"));
        if (settings.FakeDelayMilliseconds > 0)
        {
            table.AddRow("fake coder", Markup.Escape($"{settings.FakeDelayMilliseconds} ms per note (PLANT_FAKE_DELAY_MS)"));
        }

        table.AddRow("notes", Markup.Escape(settings.NotesPath is { } path ? $"from {path}" : $"{settings.Notes:N0} synthetic notes, median {settings.MedianWords} words"));
        AnsiConsole.Write(table);
    }

    private static void WriteResults(BenchmarkSettings settings, List<(int ShardsPerGeneration, BenchmarkResult? Result, string? Error)> results)
    {
        var table = new Table().AddColumn("measure");
        foreach (var (shardsPerGeneration, _, _) in results)
        {
            table.AddColumn(new TableColumn($"{shardsPerGeneration} shards/generation").RightAligned());
        }

        void Row(string measure, Func<BenchmarkResult, string?> value) =>
            table.AddRow([measure, .. results.Select(r => Markup.Escape(r.Result is { } result ? value(result) ?? "-" : $"failed: {r.Error}"))]);

        Row("batch", r => $"{r.Summary?.NotesTotal ?? r.Input?.Progress?.Plan.Notes:N0} notes in {r.Summary?.ShardsTotal ?? r.Input?.Progress?.Plan.Shards:N0} shards of {settings.NotesPerShard}; {r.Status.RuntimeStatus}" +
                            (r.Status.RuntimeStatus == RuntimeStatus.Completed ? "" : $" ({r.Status.OutputText})"));
        Row("throughput (start to done)", r => r.Summary is { } s ? $"{s.NotesPerSecond:N1} notes/s ({(s.CompletedTime - (s.StartedTime ?? s.CreatedTime)).TotalSeconds:N1} s)" : null);
        Row("end to end (submission to summary)", r => r.Summary is { } s
            ? $"{s.NotesTotal / r.WallClock.TotalSeconds:N1} notes/s ({r.WallClock.TotalSeconds:N1} s, {(r.WorkerStartup is { } up ? $"workers started before: {up.TotalSeconds:N1} s" : "worker start-up included")})"
            : null);
        Row("inside the coder", r => r.Summary is { } s ? $"{s.CodingSeconds:N1} s over shards ({s.NotesTotal / Math.Max(1e-9, s.CodingSeconds):N1} notes/s per stream)" : null);
        Row("notes", r => r.Summary is { } s ? $"{s.NotesCoded:N0} coded, {s.NotesFailed:N0} failed" : null);
        if (settings.KillAtPercent is not null)
        {
            Row("worker killed", r => r.Failover is { } f ? $"{f.KilledAt.TotalSeconds:N1} s after submission, at {f.PercentAtKill:0.#}%" : "not killed (the batch ended first)");
            Row("after the kill", r => r.Failover is { } f ? $"{f.AfterKill.TotalSeconds:N1} s to the end; the other worker coded {f.SurvivorShards:N0} shards" : null);
            Row("other worker idle after the kill", r => r.Failover is { } f
                ? $"{f.SurvivorIdle.TotalSeconds:N1} s ({100 * f.SurvivorIdle.TotalSeconds / Math.Max(1e-9, f.AfterKill.TotalSeconds):N0}% of it), longest stretch {f.LongestIdle.TotalSeconds:N1} s"
                : null);
        }

        Row("generations", r => r.Generations is { } g ? $"{g:N0} (ContinueAsNew {g - 1:N0} times)" : null);
        Row("history: last execution", r => $"{r.History.LastExecutionRows:N0} rows, {Kib(r.History.LastExecutionBytes)}, {r.History.LastExecutionEpisodes:N0} episodes");
        Row("history: largest generation", r => $"{r.History.LargestGenerationEvents:N0} events");
        Row("history: instance's partition", r => $"{r.History.PartitionRows:N0} rows, {Kib(r.History.PartitionBytes)}" +
                                                  (r.History.BlobProperties > 0 ? $", {r.History.BlobProperties} properties in blobs" : ""));
        Row("instances row", r => $"{Kib(r.History.InstanceRowBytes)} (input {r.History.InstanceInputChars:N0} chars, custom status {r.History.InstanceCustomStatusChars:N0} chars)");
        if (settings.Replays > 0)
        {
            Row("history read (one episode's load)", r => r.Replay is { } p ? $"{Ms(p.HistoryRead)} median of {p.Repetitions}" : null);
            Row("replay: last episode", r => r.Replay is { } p ? $"{Ms(p.LastEpisode)} median of {p.Repetitions} ({Ms(p.LastEpisodeMin)}-{Ms(p.LastEpisodeMax)}), {p.LastEpisodePastEvents:N0} past events" : null);
            Row("replay: all episodes of the last execution", r => r.Replay is { AllEpisodes: { } all } p
                ? $"{Ms(all)} ({p.Episodes:N0} episodes, once each{(r.Generations is > 1 and var g ? $"; the last of {g} generations" : "")})"
                : null);
            Row("replay: last episode decided", r => r.Replay?.LastEpisodeOutcome);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Bytes: Azure Table storage's entity size (4 + 2 per key character + per property 8 + 2 per name character + the value; Timestamp and ETag not counted).[/]");
        if (settings.Replays > 0)
        {
            AnsiConsole.MarkupLine("[grey]Replays: the last execution's events as GetOrchestrationHistoryAsync returns them, replayed in this process (workers stopped) through the SDK's shim around " +
                                   "CodeBatchOrchestrator by DTFx's TaskOrchestrationExecutor, episode by episode as the dispatcher runs them; each replayed episode decided what its history recorded. " +
                                   "Not included: the dispatcher's storage writes.[/]");
        }
    }

    private static string Kib(long bytes) => $"{bytes / 1024.0:N1} KiB";

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString(time.TotalMilliseconds < 10 ? "N2" : "N1", CultureInfo.InvariantCulture) + " ms";

    private static int ThreadsPerWorker(int requested, int workers) =>
        requested switch
        {
            0 => Math.Max(1, Environment.ProcessorCount / Math.Max(1, workers)),
            < 0 => 0,
            _ => requested,
        };
}
