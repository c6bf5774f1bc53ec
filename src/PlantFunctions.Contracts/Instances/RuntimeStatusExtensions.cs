namespace PlantFunctions.Contracts.Instances;

/// <summary>Helpers for <see cref="RuntimeStatus"/>.</summary>
public static class RuntimeStatusExtensions
{
    /// <summary>Completed, Failed or Terminated: nothing will change any more.</summary>
    public static bool IsTerminal(this RuntimeStatus status) => status is RuntimeStatus.Completed or RuntimeStatus.Failed or RuntimeStatus.Terminated;
}
