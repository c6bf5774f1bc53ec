using System.Text.RegularExpressions;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Host.Tests.Support;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Host.Tests.Processes;

/// <summary>Batches coded by real worker processes (the test host executable on the Durable engine), some of them killed mid-shard.</summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class WorkerProcessTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Batch_ThousandNotesTwoWorkersKilledThreeTimesMidShard_CompletesWithEveryNoteExactlyOnce()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api", notesPerShard: 25));

        // A victim is first held inside a shard (the fake coder waits while hold-{pid} exists), so each kill provably
        // lands before that shard's result is written and another worker must code the shard again.
        string holds = Directory.CreateTempSubdirectory("plant-hold-").FullName;
        var model = new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(40), HoldDirectory = holds };
        var workerSettings = PlantTestSettings.For(azurite, hub, "worker");
        var workers = new List<PlantProcess> { await PlantProcess.StartAsync(workerSettings, model), await PlantProcess.StartAsync(workerSettings, model) };
        try
        {
            await BatchKit.RegisterModelAsync(api);
            await BatchKit.UploadAsync(api, "kill/", ("a.jsonl", TestNotes.JsonLines(600)), ("b.jsonl", TestNotes.JsonLines(400, 600)));
            await BatchKit.StartAsync(api, new BatchStartRequest("kill/", BatchId: "kill"));
            var killed = new List<(int Pid, int Shard)>();
            for (int kill = 0; kill < 3; kill++)
            {
                var alive = workers.Where(w => !w.HasExited).ToList();
                var victim = alive[kill % alive.Count];
                File.WriteAllText(Path.Combine(holds, $"hold-{victim.Id}"), string.Empty);
                await Poll.ForAsync(() => Task.FromResult(File.Exists(Path.Combine(holds, $"held-{victim.Id}"))), held => held, BatchKit.Timeout,
                    $"worker {victim.Id} to be held inside a shard", () => victim.Output);
                int shard = await Poll.ForAsync(() => Task.FromResult(ShardInFlight(victim.Output, "kill")), s => s >= 0, BatchKit.Timeout,
                    $"worker {victim.Id} to be in the middle of a shard", () => victim.Output);
                victim.Kill();
                killed.Add((victim.Id, shard));
                workers.Add(await PlantProcess.StartAsync(workerSettings, model));
            }

            var status = await BatchKit.WaitForEndAsync(api, "kill", () => string.Join(Environment.NewLine, workers.Select(w => w.Output[^Math.Min(w.Output.Length, 3000)..])));
            var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(api.Get<PlantStorage>().Results, "kill"), 1000);
            var summary = await BatchKit.ReadSummaryAsync(api.Get<PlantStorage>().Results, "kill");
            string survivors = string.Concat(workers.Skip(3).Select(w => w.Output));

            Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
            Assert.All(records.Values, r => Assert.False(r.TryGetProperty("error", out _), r.ToString()));
            Assert.Equal((1000, 40, 0), (summary.NotesCoded, summary.ShardsCompleted, summary.ShardsFailed));
            Assert.Equal(3, killed.Select(k => k.Pid).Distinct().Count());
            Assert.All(killed, k => Assert.Contains($"Coded batch kill shard {k.Shard}:", string.Concat(workers.Where(w => w.Id != k.Pid).Select(w => w.Output)), StringComparison.Ordinal));
            Assert.Contains("Coded batch kill shard", survivors, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            Directory.Delete(holds, recursive: true);
        }
    }

    [Fact]
    public async Task Batch_NoteThatKillsItsWorker_GetsOneErrorRecordAndTheWorkersStopDying()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api", notesPerShard: 5));
        var workerSettings = PlantTestSettings.For(azurite, hub, "worker", notesPerShard: 5);
        var model = new FakeModelSettings();
        var workers = new List<PlantProcess> { await PlantProcess.StartAsync(workerSettings, model), await PlantProcess.StartAsync(workerSettings, model) };
        try
        {
            await BatchKit.RegisterModelAsync(api);
            string notes = TestNotes.JsonLines(7) + System.Text.Json.JsonSerializer.Serialize(new { id = "n7", text = $"fever {FakeModelSettings.CrashMarker}" }) + "\n"
                           + TestNotes.JsonLines(12, 8);
            await BatchKit.UploadAsync(api, "crash/", ("a.jsonl", notes));
            await BatchKit.StartAsync(api, new BatchStartRequest("crash/", BatchId: "crash"));

            // The test is the supervisor that restarts dead workers (as Container Apps restarts a replica), and counts the deaths.
            int deaths = 0;
            var status = await Poll.ForAsync(async () =>
            {
                foreach (var dead in workers.Where(w => w.HasExited).ToList())
                {
                    deaths++;
                    workers.Remove(dead);
                    await dead.DisposeAsync();
                    workers.Add(await PlantProcess.StartAsync(workerSettings, model));
                }

                Assert.True(deaths <= 4, $"workers died {deaths} times: the note keeps coming back");
                return await BatchKit.Api(api).GetBatchAsync("crash");
            }, s => s is not null && s.RuntimeStatus.IsTerminal(), TimeSpan.FromMinutes(3), "the batch to finish");
            var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(api.Get<PlantStorage>().Results, "crash"), 20);

            Assert.Equal(RuntimeStatus.Completed, status!.RuntimeStatus);
            var crashed = Assert.Single(records.Values, r => r.TryGetProperty("error", out _));
            Assert.Equal("n7", crashed.GetProperty("id").GetString());
            Assert.Contains("made the worker process die", crashed.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.InRange(deaths, 1, 3);
            Assert.All(workers, w => Assert.False(w.HasExited));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Batch_ShardHeldInOneWorker_TheOtherWorkerCodesTheShardsBesideIt()
    {
        string hub = azurite.UniqueName("t");
        var apiSettings = PlantTestSettings.For(azurite, hub, "api", notesPerShard: 5);
        apiSettings["Plant:Batches:ShardsPerGeneration"] = "2";
        apiSettings["Plant:Batches:BlocksInFlight"] = "2";
        await using var api = await TestPlantHost.StartAsync(apiSettings);
        string holds = Directory.CreateTempSubdirectory("plant-hold-").FullName;
        var model = new FakeModelSettings { HoldDirectory = holds };
        var workerSettings = PlantTestSettings.For(azurite, hub, "worker", notesPerShard: 5);
        var workers = new List<PlantProcess> { await PlantProcess.StartAsync(workerSettings, model), await PlantProcess.StartAsync(workerSettings, model) };
        try
        {
            await BatchKit.RegisterModelAsync(api);
            string notes = System.Text.Json.JsonSerializer.Serialize(new { id = "held", text = $"fever {FakeModelSettings.HoldMarker}" }) + "\n" + TestNotes.JsonLines(59, 1);
            await BatchKit.UploadAsync(api, "slow/", ("a.jsonl", notes));
            File.WriteAllText(Path.Combine(holds, "hold-note"), string.Empty);
            await BatchKit.StartAsync(api, new BatchStartRequest("slow/", BatchId: "slow"));
            var results = api.Get<PlantStorage>().Results;

            // While shard 0 is held in one worker (as a killed worker's shard waits for the visibility timeout), the other
            // worker codes every other shard: the batch's other blocks go on.
            await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(holds, "held-note"))), BatchKit.Timeout, "shard 0 to be held");
            await Poll.UntilAsync(async () => (await ResultBlobCountAsync(results, "slow")) == 11, TimeSpan.FromSeconds(60),
                "the other 11 shards to be coded while shard 0 is held", () => string.Join(Environment.NewLine, workers.Select(w => w.Output[^Math.Min(w.Output.Length, 2000)..])));
            bool stillHeld = (await BatchKit.Api(api).GetBatchAsync("slow"))!.RuntimeStatus == RuntimeStatus.Running;
            File.Delete(Path.Combine(holds, "hold-note"));
            var status = await BatchKit.WaitForEndAsync(api, "slow");

            Assert.True(stillHeld);
            Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
            BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(results, "slow"), 60);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            Directory.Delete(holds, recursive: true);
        }
    }

    [Fact]
    public async Task ReusedBatchId_OldRunsShardHeldInAWorkerUntilTheNewRunFinished_LeavesOnlyTheNewRunsResults()
    {
        string hub = azurite.UniqueName("t");
        await using var api = await TestPlantHost.StartAsync(PlantTestSettings.For(azurite, hub, "api", notesPerShard: 5));
        string holds = Directory.CreateTempSubdirectory("plant-hold-").FullName;
        var workerSettings = PlantTestSettings.For(azurite, hub, "worker", notesPerShard: 5);
        // The second worker starts once shard 0 is held in the first: started together, either could take shard 0.
        var workers = new List<PlantProcess> { await PlantProcess.StartAsync(workerSettings, new FakeModelSettings { HoldDirectory = holds }) };
        try
        {
            await BatchKit.RegisterModelAsync(api);
            var apiClient = BatchKit.Api(api);
            var results = api.Get<PlantStorage>().Results;
            string old = System.Text.Json.JsonSerializer.Serialize(new { id = "old-held", text = $"fever {FakeModelSettings.HoldMarker}" }) + "\n" + TestNotes.JsonLines(19, 1, idPrefix: "old");
            await BatchKit.UploadAsync(api, "b/", ("old.jsonl", old));
            File.WriteAllText(Path.Combine(holds, "hold-note"), string.Empty);
            await BatchKit.StartAsync(api, new BatchStartRequest("b/", BatchId: "b"));

            // The old run's shard 0 is in flight (held in the first worker) while the run is terminated, closed out and
            // purged, and the id is started again on other notes and finishes (in the second worker).
            await Poll.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(holds, "held-note"))), BatchKit.Timeout, "the old run's shard 0 to be held");
            workers.Add(await PlantProcess.StartAsync(workerSettings, new FakeModelSettings()));
            string oldRun = (await apiClient.GetBatchAsync("b"))!.Input!.Value.GetProperty("runId").GetString()!;
            await apiClient.TerminateBatchAsync("b", "restart");
            await Poll.ForAsync(() => api.Client.DeleteAsync(new Uri("/api/batches/b", UriKind.Relative)), r => r.IsSuccessStatusCode, BatchKit.Timeout,
                "the old run to be purged once its close-out finished");
            await api.Get<PlantStorage>().Notes.DeleteBlobAsync("b/old.jsonl");
            await BatchKit.UploadAsync(api, "b/", ("new.jsonl", TestNotes.JsonLines(12, idPrefix: "new")));
            await BatchKit.StartAsync(api, new BatchStartRequest("b/", BatchId: "b"));
            var status = await BatchKit.WaitForEndAsync(api, "b");
            string newRun = status.Input!.Value.GetProperty("runId").GetString()!;

            // Then the held shard of the old run goes on, and ends: coded and written (the fault), or superseded.
            File.Delete(Path.Combine(holds, "hold-note"));
            await Poll.UntilAsync(() => Task.FromResult(workers[0].Output.Contains("Coded batch b shard 0:", StringComparison.Ordinal)
                                                        || workers[0].Output.Contains($"run {oldRun} was superseded", StringComparison.Ordinal)),
                BatchKit.Timeout, "the old run's held shard to end", () => workers[0].Output);
            var records = BatchKit.AssertExactlyOnce(await BatchKit.ReadResultsAsync(results, "b"), 12);
            var summary = await BatchKit.ReadSummaryAsync(results, "b");
            var runs = new HashSet<string>();
            await foreach (var blob in results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, "b/", CancellationToken.None))
            {
                if (!PlantFunctions.Pipeline.Batches.BatchRuns.IsBookkeeping("b", blob.Name))
                {
                    runs.Add(blob.Metadata.TryGetValue(PlantFunctions.Pipeline.Storage.RunScopedBlobs.RunKey, out string? run) ? run : "(none)");
                }
            }

            Assert.Equal(RuntimeStatus.Completed, status.RuntimeStatus);
            Assert.All(records.Values, r => Assert.StartsWith("new", r.GetProperty("id").GetString(), StringComparison.Ordinal));
            Assert.Equal([newRun], runs);
            Assert.Equal((newRun, 12, 12), (summary.RunId, summary.NotesTotal, summary.NotesCoded));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            Directory.Delete(holds, recursive: true);
        }
    }

    private static async Task<int> ResultBlobCountAsync(Azure.Storage.Blobs.BlobContainerClient results, string batchId)
    {
        int count = 0;
        await foreach (var _ in results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           PlantFunctions.Pipeline.Batches.BatchPaths.ShardResultsPrefix(batchId), CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    /// <summary>A shard the process started coding and has not finished, or -1.</summary>
    private static int ShardInFlight(string output, string batchId)
    {
        var started = ShardStarted().Matches(output).Where(m => m.Groups[1].Value == batchId).Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var finished = ShardFinished().Matches(output).Where(m => m.Groups[1].Value == batchId).Select(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        return started.Where(s => !finished.Contains(s)).DefaultIfEmpty(-1).Last();
    }

    [GeneratedRegex(@"Coding batch (\S+) shard (\d+) in process")]
    private static partial Regex ShardStarted();

    [GeneratedRegex(@"Coded batch (\S+) shard (\d+):")]
    private static partial Regex ShardFinished();
}
