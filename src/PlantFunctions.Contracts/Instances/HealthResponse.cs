namespace PlantFunctions.Contracts.Instances;

/// <summary>What the anonymous health endpoints answer: the status word only, nothing about the account or the models.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
public sealed record HealthResponse(string Status);
