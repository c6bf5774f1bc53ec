namespace PlantFunctions.Contracts.Instances;

/// <summary>The body of every refusal (400, 404, 409, 410, 413): the reason, in words a user can act on.</summary>
/// <param name="Error">The reason.</param>
public sealed record ErrorResponse(string Error);
