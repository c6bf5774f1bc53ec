namespace PlantFunctions.Pipeline.Orchestration;

/// <summary>Helpers for <see cref="RuntimeStatus"/>.</summary>
public static class RuntimeStatusExtensions
{
    /// <summary>Completed, Failed or Terminated: nothing will change any more.</summary>
    public static bool IsTerminal(this RuntimeStatus status) => status is RuntimeStatus.Completed or RuntimeStatus.Failed or RuntimeStatus.Terminated;

    /// <summary>Parses a stored status (unknown text reads as Pending).</summary>
    public static RuntimeStatus ParseStatus(string? value) =>
        Enum.TryParse<RuntimeStatus>(value, ignoreCase: true, out var status) ? status : RuntimeStatus.Pending;
}
