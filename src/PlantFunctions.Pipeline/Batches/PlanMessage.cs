namespace PlantFunctions.Pipeline.Batches;

/// <summary>Control-queue message: plan the batch (idempotent; sent again by the recovery sweep when planning stalls).</summary>
/// <param name="BatchId">The batch to plan.</param>
public sealed record PlanMessage(string BatchId);
