using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PlantFunctions.Pipeline.Telemetry;

/// <summary>
/// The service's traces and metrics, under the name <see cref="Name"/>: a span per planned batch, coded shard and
/// training slice, and counters of batches, shards, notes coded and failed, coding time and model loads. The hosts
/// export them through OpenTelemetry (to Azure Monitor when a connection string is configured).
/// </summary>
public static class PlantTelemetry
{
    /// <summary>The ActivitySource and Meter name.</summary>
    public const string Name = "PlantFunctions";

    /// <summary>Spans.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> BatchesStarted = Meter.CreateCounter<long>("plant.batches.started", "{batch}", "Batches started");
    private static readonly Counter<long> BatchesFinished = Meter.CreateCounter<long>("plant.batches.finished", "{batch}", "Batches summarized, by status");
    private static readonly Counter<long> ShardsCoded = Meter.CreateCounter<long>("plant.shards.coded", "{shard}", "Shards coded");
    private static readonly Counter<long> ShardsFailed = Meter.CreateCounter<long>("plant.shards.failed", "{shard}", "Shards that failed every attempt");
    private static readonly Counter<long> NotesCoded = Meter.CreateCounter<long>("plant.notes.coded", "{note}", "Notes coded");
    private static readonly Counter<long> NotesFailed = Meter.CreateCounter<long>("plant.notes.failed", "{note}", "Notes given an error record");
    private static readonly Histogram<double> CodingTime = Meter.CreateHistogram<double>("plant.coding.duration", "s", "Time inside the coder per shard");
    private static readonly Counter<long> ModelLoads = Meter.CreateCounter<long>("plant.model.loads", "{load}", "Model versions loaded by workers");
    private static readonly Histogram<double> ModelLoadTime = Meter.CreateHistogram<double>("plant.model.load.duration", "s", "Time to load a model version");
    private static readonly Counter<long> TrainingSlices = Meter.CreateCounter<long>("plant.training.slices", "{slice}", "Training activities run, by stage");

    /// <summary>A batch was started.</summary>
    public static void BatchStarted(string origin) => BatchesStarted.Add(1, new KeyValuePair<string, object?>("plant.origin", origin));

    /// <summary>A batch was summarized.</summary>
    public static void BatchFinished(string status, int coded, int failed) =>
        BatchesFinished.Add(1, new KeyValuePair<string, object?>("plant.status", status));

    /// <summary>A shard was coded.</summary>
    public static void ShardCoded(string modelVersion, int coded, int failed, long milliseconds)
    {
        var version = new KeyValuePair<string, object?>("plant.model_version", modelVersion);
        ShardsCoded.Add(1, version);
        NotesCoded.Add(coded, version);
        if (failed > 0)
        {
            NotesFailed.Add(failed, version);
        }

        CodingTime.Record(milliseconds / 1000.0, version);
    }

    /// <summary>A shard failed every attempt; its notes got error records.</summary>
    public static void ShardFailed(int failedNotes)
    {
        ShardsFailed.Add(1);
        NotesFailed.Add(failedNotes);
    }

    /// <summary>A worker loaded a model version.</summary>
    public static void ModelLoaded(string modelVersion, double seconds)
    {
        var version = new KeyValuePair<string, object?>("plant.model_version", modelVersion);
        ModelLoads.Add(1, version);
        ModelLoadTime.Record(seconds, version);
    }

    /// <summary>A training activity ran.</summary>
    public static void TrainingSlice(string stage) => TrainingSlices.Add(1, new KeyValuePair<string, object?>("plant.stage", stage));
}
