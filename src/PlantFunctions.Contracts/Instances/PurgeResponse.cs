namespace PlantFunctions.Contracts.Instances;

/// <summary>The answer to a purge: how many instance histories were deleted (Durable Functions' shape).</summary>
/// <param name="InstancesDeleted">Instances deleted.</param>
public sealed record PurgeResponse(int InstancesDeleted);
