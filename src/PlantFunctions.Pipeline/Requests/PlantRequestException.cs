namespace PlantFunctions.Pipeline.Requests;

/// <summary>A request the service refuses, with a reason a user can act on.</summary>
public sealed class PlantRequestException(PlantRequestError error, string message) : Exception(message)
{
    /// <summary>What kind of refusal.</summary>
    public PlantRequestError Error { get; } = error;
}
