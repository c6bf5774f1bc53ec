namespace PlantFunctions.Pipeline.Batches;

/// <summary>The input of the <c>CodeShard</c> and <c>RecordFailedShard</c> activities: ids and settings; the notes are in the shard's input blob.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="RunId">The run.</param>
/// <param name="Shard">0-based shard number.</param>
/// <param name="ModelName">The model.</param>
/// <param name="ModelVersion">The model version.</param>
/// <param name="ModelBlob">The model file in the models container.</param>
/// <param name="MinCodes">At least this many codes per note.</param>
/// <param name="Threshold">Probability threshold, or the model's.</param>
/// <param name="Failure">For <c>RecordFailedShard</c>: why the shard's last attempt failed.</param>
/// <param name="Attempts">For <c>RecordFailedShard</c>: attempts made.</param>
/// <param name="PerCodeThresholds">Use the model's per-code thresholds instead of its global one.</param>
/// <param name="PlanId">The plan whose shard inputs to read (<see cref="BatchPlan.PlanId"/>; null for runs planned before plans had ids).</param>
public sealed record ShardTask(string BatchId, string RunId, int Shard, string ModelName, string ModelVersion, string ModelBlob, int MinCodes, double? Threshold,
    string? Failure = null, int Attempts = 0, bool PerCodeThresholds = false, string? PlanId = null);

/// <summary>What a finished shard reports: the counts of its result blob.</summary>
/// <param name="Shard">0-based shard number.</param>
/// <param name="Coded">Notes coded.</param>
/// <param name="Failed">Notes with error records.</param>
/// <param name="CodingMilliseconds">Time inside the coder (0 when the blob was already there).</param>
/// <param name="Failure">Why the shard failed every attempt, or null.</param>
public sealed record ShardOutcome(int Shard, int Coded, int Failed, long CodingMilliseconds, string? Failure = null);
