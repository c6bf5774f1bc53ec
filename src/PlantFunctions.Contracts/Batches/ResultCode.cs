using System.Text.Json.Serialization;

namespace PlantFunctions.Contracts.Batches;

/// <summary>One assigned code in a result record.</summary>
/// <param name="Code">ICD code.</param>
/// <param name="Description">The code's own description, from the table the model was trained with; <c>null</c> when that table has no entry for the code.</param>
/// <param name="Probability">Model probability.</param>
/// <param name="Evidence">Supporting words.</param>
/// <param name="NonAffirmedShare">
/// The share of the evidence words' weight on words the note does not affirm (negated, possible, historical, family);
/// absent when the code has no evidence (and in records written before assertions).
/// </param>
public sealed record ResultCode(string Code, string? Description, float Probability, IReadOnlyList<ResultEvidence> Evidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? NonAffirmedShare = null);
