using System.Text.Json.Serialization;

namespace PlantFunctions.Model.Coding;

/// <summary>The codes assigned to one note, most probable first.</summary>
public sealed record CodedNote(string NoteId, IReadOnlyList<CodePrediction> Codes);

/// <summary>One assigned code with its own description, its probability and the words that led to it.</summary>
/// <param name="Code">The code.</param>
/// <param name="Description">The code's own description from the table the model was trained with; <c>null</c> when the table has no entry for it.</param>
/// <param name="Probability">The model's probability.</param>
/// <param name="Evidence">The note's words with the most attention for the code.</param>
/// <param name="NonAffirmedShare">
/// The share of the evidence words' weight on words that are not affirmed (negated, possible, historical or family; see
/// <see cref="EvidenceToken.Assertion"/>): near 1, the code rests on mentions the note does not assert for the patient.
/// <c>null</c> (and absent from JSON) when the code has no evidence.
/// </param>
public sealed record CodePrediction(string Code, string? Description, float Probability, IReadOnlyList<EvidenceToken> Evidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? NonAffirmedShare = null);

/// <summary>A word of the note that carried attention for a code, with its character offsets into the note's text.</summary>
/// <param name="Text">The word as it appears in the note.</param>
/// <param name="Start">0-based character offset.</param>
/// <param name="Length">Length in characters.</param>
/// <param name="Weight">Attention weight.</param>
/// <param name="Assertion">
/// What the note says about the word (<c>"negated"</c>, <c>"possible"</c>, <c>"historical"</c>, <c>"family"</c>; see
/// <see cref="Assertions.AssertionTagger"/>); <c>null</c>, and absent from JSON, when affirmed.
/// </param>
public sealed record EvidenceToken(string Text, int Start, int Length, float Weight,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Assertion = null);
