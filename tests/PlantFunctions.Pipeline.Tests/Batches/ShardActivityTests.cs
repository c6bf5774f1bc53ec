using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Fakes;

namespace PlantFunctions.Pipeline.Tests.Batches;

/// <summary>
/// The activities of a batch run directly against Azurite, as the engine runs them: at least once, sometimes twice at
/// the same time. Their effects must stay exactly once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ShardActivityTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CodeShard_RunTwiceAfterALostCompletion_WritesOneRecordPerNoteAndReportsTheSameCounts()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        await pipeline.UploadAsync("b/", ("notes.jsonl", TestNotes.JsonLines(10) + "{\"id\": 3}\n"));
        await pipeline.PlanAsync("b", "run1", "b/", notesPerShard: 20);

        var first = await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("b", "run1", 0));
        var second = await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("b", "run1", 0));
        var records = await pipeline.RecordsAsync(BatchPaths.ShardResult("b", 0));

        Assert.Equal((10, 1), (first.Coded, first.Failed));
        Assert.Equal((first.Coded, first.Failed), (second.Coded, second.Failed));
        Assert.Equal(0, second.CodingMilliseconds);   // reused, not coded again
        Assert.Equal(11, records.Count);
        Assert.Equal(11, records.Select(r => r.GetProperty("source").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task CodeShard_TwoExecutionsAtOnce_LeaveOneResultBlobThatBothReport()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite, new FakeModelSettings { DelayPerNote = TimeSpan.FromMilliseconds(20) });
        await pipeline.UploadAsync("c/", ("notes.jsonl", TestNotes.JsonLines(30)));
        await pipeline.PlanAsync("c", "run1", "c/", notesPerShard: 30);

        var both = await Task.WhenAll(
            pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("c", "run1", 0)),
            pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("c", "run1", 0)));
        var records = await pipeline.RecordsAsync(BatchPaths.ShardResult("c", 0));

        Assert.All(both, outcome => Assert.Equal((30, 0), (outcome.Coded, outcome.Failed)));
        Assert.Equal(30, records.Count);
    }

    [Fact]
    public async Task CodeShard_ResultLeftByAPurgedRunOfTheSameId_IsReplacedAndTheOldRunCannotReplaceItBack()
    {
        const string oldRun = "00000001-0ld0ld0l", newRun = "00000002-0e00e00e";
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        await pipeline.UploadAsync("d/", ("notes.jsonl", TestNotes.JsonLines(5, idPrefix: "old")));
        await pipeline.PlanAsync("d", oldRun, "d/");
        await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("d", oldRun, 0));
        await pipeline.Storage.Notes.DeleteBlobAsync("d/notes.jsonl");
        await pipeline.UploadAsync("d/", ("new.jsonl", TestNotes.JsonLines(3, idPrefix: "new")));

        var plan = await pipeline.PlanAsync("d", newRun, "d/");
        var outcome = await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("d", newRun, 0));
        var late = await pipeline.RunAsync<RecordFailedShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("d", oldRun, 0) with { Failure = "late", Attempts = 3 });
        var records = await pipeline.RecordsAsync(BatchPaths.ShardResult("d", 0));

        Assert.Equal(3, plan.Notes);
        Assert.Equal(3, outcome.Coded);
        Assert.Contains("superseded", late.Failure, StringComparison.Ordinal);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.StartsWith("new", r.GetProperty("id").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlanBatch_NoteIdOverTheLimit_BecomesAnErrorRecordWithTheIdCut()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        string longId = new('x', PlanBatchActivity.MaxNoteIdChars + 44);
        await pipeline.UploadAsync("l/", ("notes.jsonl", TestNotes.JsonLines(2) + System.Text.Json.JsonSerializer.Serialize(new { id = longId, text = "fever" }) + "\n"));
        await pipeline.PlanAsync("l", "run1", "l/");

        var outcome = await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("l", "run1", 0));
        var records = await pipeline.RecordsAsync(BatchPaths.ShardResult("l", 0));

        Assert.Equal((2, 1), (outcome.Coded, outcome.Failed));
        Assert.Equal(new string('x', PlanBatchActivity.MaxNoteIdChars), records[2].GetProperty("id").GetString());
        Assert.Contains("over the limit of 256", records[2].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanBatch_RunAgain_KeepsItsShardsAndPlan()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        await pipeline.UploadAsync("e/", ("a.jsonl", TestNotes.JsonLines(15)), ("b.csv", "id,text\nx1,fever\n\"x2,broken\n"), ("readme.md", "not notes"));

        var first = await pipeline.PlanAsync("e", "run1", "e/");
        var again = await pipeline.PlanAsync("e", "run1", "e/");

        Assert.Equal(first, again);
        Assert.Equal(17, first.Notes);
        Assert.Equal(1, first.InputErrors);
        Assert.Equal(1, first.SkippedFiles);
        Assert.Equal(2, first.Shards);
    }

    [Fact]
    public async Task PlanBatch_NoNoteFiles_ReturnsTheReason()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        await pipeline.UploadAsync("f/", ("readme.md", "nothing to code"));

        var plan = await pipeline.PlanAsync("f", "run1", "f/");

        Assert.Contains("no note files", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordFailedShard_AfterEveryAttemptFailed_GivesEachNoteAnErrorNamingTheShardAndReason()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        await pipeline.UploadAsync("g/", ("notes.jsonl", TestNotes.JsonLines(4) + "not json\n"));
        await pipeline.PlanAsync("g", "run1", "g/");

        var outcome = await pipeline.RunAsync<RecordFailedShardActivity, ShardTask, ShardOutcome>(
            pipeline.Shard("g", "run1", 0) with { Failure = "InvalidOperationException: device lost", Attempts = 3 });
        var records = await pipeline.RecordsAsync(BatchPaths.ShardResult("g", 0));

        Assert.Equal((0, 5), (outcome.Coded, outcome.Failed));
        Assert.NotNull(outcome.Failure);
        Assert.Equal(4, records.Count(r => r.GetProperty("error").GetString()!.Contains("shard 0 failed after 3 attempts: InvalidOperationException: device lost", StringComparison.Ordinal)));
        Assert.Contains(records, r => r.GetProperty("error").GetString()!.Contains("malformed JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CloseOutShards_TerminatedRun_RecordsOnlyTheShardsWithoutResultsThenSummarizes()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);
        await pipeline.UploadAsync("h/", ("notes.jsonl", TestNotes.JsonLines(25)));
        var plan = await pipeline.PlanAsync("h", "run1", "h/");
        await pipeline.RunAsync<CodeShardActivity, ShardTask, ShardOutcome>(pipeline.Shard("h", "run1", 1));
        var input = new CloseOutInput(Batch("h", "run1"), DateTime.UtcNow, "terminated: enough");

        bool planned = await pipeline.RunAsync<CloseOutShardsActivity, CloseOutInput, bool>(input);
        bool again = await pipeline.RunAsync<CloseOutShardsActivity, CloseOutInput, bool>(input);
        var output = await pipeline.RunAsync<SummarizeBatchActivity, SummarizeRequest, BatchOutput>(
            new SummarizeRequest(input.Batch, input.CreatedTime, null, DateTime.UtcNow, RuntimeStatus.Terminated, input.Reason, 0));
        var summary = (await pipeline.Storage.Results.GetBlobClient(BatchPaths.Summary("h")).DownloadContentAsync()).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)!;
        var coded = await pipeline.RecordsAsync(BatchPaths.ShardResult("h", 1));
        var closed = await pipeline.RecordsAsync(BatchPaths.ShardResult("h", 0));

        Assert.True(planned && again);
        Assert.Equal(3, plan.Shards);
        Assert.All(coded, r => Assert.True(r.TryGetProperty("codes", out _)));
        Assert.All(closed, r => Assert.Equal("not coded: the batch was terminated: enough", r.GetProperty("error").GetString()));
        Assert.Equal((RuntimeStatus.Terminated, 25, 10, 15), (summary.Status, summary.NotesTotal, summary.NotesCoded, summary.NotesFailed));
        Assert.Equal((10, 15), (output.NotesCoded, output.NotesFailed));
        Assert.Empty(pipeline.Storage.Results.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, BatchPaths.WorkPrefix("h"), CancellationToken.None));
    }

    [Fact]
    public async Task CloseOutShards_RunNotPlannedYet_SaysSoWithoutWriting()
    {
        await using var pipeline = await PipelineServices.CreateAsync(azurite);

        bool planned = await pipeline.RunAsync<CloseOutShardsActivity, CloseOutInput, bool>(new CloseOutInput(Batch("i", "run1"), DateTime.UtcNow, "terminated"));

        Assert.False(planned);
        Assert.Empty(pipeline.Storage.Results.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "i/", CancellationToken.None));
    }

    private static CodeBatchInput Batch(string batchId, string runId) => new()
    {
        BatchId = batchId,
        RunId = runId,
        NotesContainer = "notes",
        Prefix = batchId + "/",
        ModelName = "test-model",
        ModelVersion = "v1",
        ModelBlob = "test-model/v1/model.bin",
        NotesPerShard = 10,
        ErrorThreshold = -1,
        MaxNoteChars = 100_000,
        ShardsPerGeneration = 100,
        Retry = new ShardRetry(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)),
    };
}
