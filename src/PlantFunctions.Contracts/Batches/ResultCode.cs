namespace PlantFunctions.Contracts.Batches;

/// <summary>One assigned code in a result record.</summary>
/// <param name="Code">ICD code.</param>
/// <param name="Description">The code's own description, from the table the model was trained with; <c>null</c> when that table has no entry for the code.</param>
/// <param name="Probability">Model probability.</param>
/// <param name="Evidence">Supporting words.</param>
public sealed record ResultCode(string Code, string? Description, float Probability, IReadOnlyList<ResultEvidence> Evidence);
