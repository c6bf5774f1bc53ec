using PlantFunctions.Pipeline.Orchestration;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>What a finished shard reports: Completed (results written) or Failed (poisoned; error records written).</summary>
internal sealed record ShardOutcome(RuntimeStatus Status, int NotesCoded, int NotesFailed, long CodingMilliseconds, string? Error);
