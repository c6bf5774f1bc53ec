using System.Diagnostics;
using System.Runtime.CompilerServices;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PlantFunctions.Contracts;
using PlantFunctions.Pipeline;
using PlantFunctions.Pipeline.Batches;
using CoreOrchestration = DurableTask.Core.TaskOrchestration;
using SdkJsonDataConverter = Microsoft.DurableTask.Converters.JsonDataConverter;

namespace PlantFunctions.Benchmarks;

/// <summary>What replaying the batch orchestration's last execution took.</summary>
/// <param name="Events">History events of the last execution.</param>
/// <param name="Episodes">Its episodes (OrchestratorStarted events).</param>
/// <param name="LastEpisodePastEvents">Events the last episode replays before its new ones.</param>
/// <param name="Repetitions">Timed replays of the last episode.</param>
/// <param name="LastEpisode">Median time of the last episode (replay of everything before it, then its new events).</param>
/// <param name="LastEpisodeMin">Fastest of them.</param>
/// <param name="LastEpisodeMax">Slowest of them.</param>
/// <param name="AllEpisodes">Every episode of the last execution replayed once, summed: the replay work of that execution; null when not measured.</param>
/// <param name="HistoryRead">Median time of <c>GetOrchestrationHistoryAsync</c> for the last execution (storage read and DTFx's entity conversion, then DTFx's JSON).</param>
/// <param name="LastEpisodeOutcome">What the replayed last episode decided (it matched what the history recorded, or the benchmark fails).</param>
internal sealed record ReplayTiming(
    int Events,
    int Episodes,
    int LastEpisodePastEvents,
    int Repetitions,
    TimeSpan LastEpisode,
    TimeSpan LastEpisodeMin,
    TimeSpan LastEpisodeMax,
    TimeSpan? AllEpisodes,
    TimeSpan HistoryRead,
    string LastEpisodeOutcome);

/// <summary>
/// Replays a finished batch orchestration's last (largest) execution offline, through the code the worker runs: the
/// history events as the Azure Storage backend returns them, an <see cref="OrchestrationRuntimeState"/> built from them
/// as the dispatcher builds it for an episode (past events, then the episode's new ones), the orchestration created by
/// the SDK's <see cref="DurableTaskShimFactory"/> around <see cref="CodeBatchOrchestrator"/> (as the host's
/// DtfxDurableTaskWorker does, with the host's data converter), and DTFx's <see cref="TaskOrchestrationExecutor"/>.
/// Every replayed episode must decide what the history recorded for it (the same activities in the same order, the same
/// completion), or the measurement throws. Not included: reading the history from storage for each episode (measured
/// separately), the dispatcher's middleware, and writing the episode's new events and messages.
/// </summary>
internal static class OrchestratorReplay
{
    /// <summary>How long the first episodes are replayed, untimed, before anything is timed.</summary>
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(2);

    private static readonly IReadOnlyDictionary<EventType, Type> EventClasses = HistoryEvent.KnownTypes()
        .Where(type => type.GetProperty(nameof(HistoryEvent.EventType))!.GetMethod!.DeclaringType == type)
        .ToDictionary(type => ((HistoryEvent)RuntimeHelpers.GetUninitializedObject(type)).EventType);

    /// <summary>Events the orchestrator's actions add to the history (everything else in an episode is input to it).</summary>
    private static readonly HashSet<EventType> ActionEvents =
    [
        EventType.TaskScheduled, EventType.SubOrchestrationInstanceCreated, EventType.TimerCreated, EventType.EventSent,
        EventType.ExecutionCompleted, EventType.ContinueAsNew, EventType.OrchestratorCompleted,
    ];

    /// <summary>Loads the last execution of <paramref name="instanceId"/> and times its replays.</summary>
    public static async Task<ReplayTiming> MeasureAsync(AzureStorageOrchestrationService service, string instanceId, string executionId, int repetitions, bool allEpisodes)
    {
        ArgumentNullException.ThrowIfNull(service);
        string json = await service.GetOrchestrationHistoryAsync(instanceId, executionId).ConfigureAwait(false);
        var events = ParseHistory(json);
        var reads = new List<TimeSpan>(repetitions);
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            _ = await service.GetOrchestrationHistoryAsync(instanceId, executionId).ConfigureAwait(false);
            reads.Add(clock.Elapsed);
        }

        var starts = Enumerable.Range(0, events.Count).Where(i => events[i].EventType == EventType.OrchestratorStarted).ToList();
        if (starts.Count == 0)
        {
            throw new InvalidOperationException($"the last execution of '{instanceId}' has no OrchestratorStarted event ({events.Count} events)");
        }

        var converter = new SdkJsonDataConverter(PlantJson.Options);
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = converter }, NullLoggerFactory.Instance);

        WarmUp(shims, events, starts);
        Settle();

        // Every episode once, each checked against its recorded actions.
        TimeSpan? all = null;
        for (int episode = 0; allEpisodes && episode < starts.Count; episode++)
        {
            int end = episode + 1 < starts.Count ? starts[episode + 1] : events.Count;
            var (elapsed, result) = ReplayEpisode(shims, events, starts[episode], end);
            Check(result, events, starts[episode], end, episode);
            all = (all ?? TimeSpan.Zero) + elapsed;
        }

        Settle();
        var times = new List<TimeSpan>(repetitions);
        string outcome = "";
        for (int i = 0; i < repetitions; i++)
        {
            var (elapsed, result) = ReplayEpisode(shims, events, starts[^1], events.Count);
            outcome = Check(result, events, starts[^1], events.Count, starts.Count - 1);
            times.Add(elapsed);
        }

        return new ReplayTiming(events.Count, starts.Count, starts[^1], repetitions, Median(times), times.Min(), times.Max(), all, Median(reads), outcome);
    }

    /// <summary>
    /// The JSON of <c>AzureStorageOrchestrationService.GetOrchestrationHistoryAsync</c> as history events. DTFx writes it
    /// with a default Newtonsoft serializer (<c>Utils.SerializeToJson(history.Events)</c>: no type names), so each
    /// element's class comes from its <c>EventType</c>; the events' private parameterless constructors are the ones DTFx
    /// keeps for JSON deserialization. Writing the events back must give the same JSON, or this throws.
    /// </summary>
    public static IReadOnlyList<HistoryEvent> ParseHistory(string json)
    {
        var array = JArray.Parse(json);
        var serializer = JsonSerializer.Create(new JsonSerializerSettings { ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor });
        var events = new List<HistoryEvent>(array.Count);
        foreach (var item in array)
        {
            var type = item[nameof(HistoryEvent.EventType)]!.ToObject<EventType>();
            if (!EventClasses.TryGetValue(type, out var eventClass))
            {
                throw new InvalidOperationException($"no history event class for event type {type}");
            }

            events.Add((HistoryEvent)item.ToObject(eventClass, serializer)!);
        }

        var again = JArray.FromObject(events, JsonSerializer.Create());
        for (int i = 0; i < array.Count; i++)
        {
            if (!JToken.DeepEquals(array[i], again[i]))
            {
                throw new InvalidOperationException($"history event {i} does not survive deserialization:{Environment.NewLine}{array[i]}{Environment.NewLine}became{Environment.NewLine}{again[i]}");
            }
        }

        return events;
    }

    /// <summary>
    /// One episode as the dispatcher runs it: the runtime state holds the events before <paramref name="start"/> as past
    /// events and the episode's incoming events (OrchestratorStarted, completions, ...) as new ones; a fresh orchestrator
    /// replays the past and decides on the new. Timed from building the state to the executor's result.
    /// </summary>
    private static (TimeSpan Elapsed, OrchestratorExecutionResult Result) ReplayEpisode(DurableTaskShimFactory shims, IReadOnlyList<HistoryEvent> events, int start, int end)
    {
        foreach (var historyEvent in events)
        {
            historyEvent.IsPlayed = false;
        }

        var incoming = new List<HistoryEvent>();
        for (int i = start; i < end; i++)
        {
            if (!ActionEvents.Contains(events[i].EventType))
            {
                incoming.Add(events[i]);
            }
        }

        var past = events.Take(start).ToList();
        var clock = Stopwatch.StartNew();
        var state = new OrchestrationRuntimeState(past);
        foreach (var historyEvent in incoming)
        {
            state.AddEvent(historyEvent);
        }

        CoreOrchestration orchestration = shims.CreateOrchestration(new TaskName(TaskNames.CodeBatch), new CodeBatchOrchestrator());
        var executor = new TaskOrchestrationExecutor(state, orchestration, BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.UseFailureDetails);
        var result = executor.Execute();
        return (clock.Elapsed, result);
    }

    /// <summary>
    /// Replays the execution's first episodes (cheap: few past events, yet every handler and the orchestrator's loop) over
    /// and over for <see cref="WarmUpTime"/> and at least 100 times, untimed, so that the timed replays run the JIT's
    /// optimised code (tiered compilation promotes a method after 30 calls, in the background) and the first batch of a
    /// process does not pay for the compilation that the next ones are spared.
    /// </summary>
    private static void WarmUp(DurableTaskShimFactory shims, IReadOnlyList<HistoryEvent> events, List<int> starts)
    {
        int episodes = Math.Min(starts.Count, 8);
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < 100 || clock.Elapsed < WarmUpTime; round++)
        {
            int episode = round % episodes;
            int end = episode + 1 < starts.Count ? starts[episode + 1] : events.Count;
            Check(ReplayEpisode(shims, events, starts[episode], end).Result, events, starts[episode], end, episode);
        }

        Thread.Sleep(500);   // the background compiler's queue
    }

    /// <summary>A full collection before a timed part, so that garbage from before is not collected inside it.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The replayed episode's actions must be what the history recorded after its new events; returns a description.</summary>
    private static string Check(OrchestratorExecutionResult result, IReadOnlyList<HistoryEvent> events, int start, int end, int episode)
    {
        var recorded = new List<string>();
        for (int i = start; i < end; i++)
        {
            switch (events[i])
            {
                case TaskScheduledEvent scheduled:
                    recorded.Add($"schedule {scheduled.Name}");
                    break;
                case ExecutionCompletedEvent completed:
                    recorded.Add($"complete {completed.OrchestrationStatus}");
                    break;
                case HistoryEvent other when ActionEvents.Contains(other.EventType) && other.EventType != EventType.OrchestratorCompleted:
                    recorded.Add(other.EventType.ToString());
                    break;
            }
        }

        var decided = result.Actions.Select(action => action switch
        {
            ScheduleTaskOrchestratorAction schedule => $"schedule {schedule.Name}",
            OrchestrationCompleteOrchestratorAction complete => $"complete {complete.OrchestrationStatus}",
            CreateTimerOrchestratorAction => nameof(EventType.TimerCreated),
            CreateSubOrchestrationAction => nameof(EventType.SubOrchestrationInstanceCreated),
            SendEventOrchestratorAction => nameof(EventType.EventSent),
            _ => action.GetType().Name,
        }).ToList();
        if (!recorded.SequenceEqual(decided))
        {
            string failure = result.Actions.OfType<OrchestrationCompleteOrchestratorAction>().FirstOrDefault()?.FailureDetails?.ToString() ?? "";
            throw new InvalidOperationException($"replaying episode {episode} (events {start}..{end - 1}) decided [{Describe(decided)}] where the history recorded [{Describe(recorded)}] {failure}");
        }

        return Describe(decided);
    }

    private static string Describe(IReadOnlyList<string> actions) =>
        string.Join(", ", actions.GroupBy(a => a).Select(g => g.Count() == 1 ? g.Key : $"{g.Count()} x {g.Key}"));

    private static TimeSpan Median(List<TimeSpan> times)
    {
        if (times.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = times.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
