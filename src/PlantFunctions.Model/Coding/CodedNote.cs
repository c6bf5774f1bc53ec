namespace PlantFunctions.Model.Coding;

/// <summary>The codes assigned to one note, most probable first.</summary>
public sealed record CodedNote(string NoteId, IReadOnlyList<CodePrediction> Codes);

/// <summary>One assigned code with its own description, its probability and the words that led to it.</summary>
/// <param name="Code">The code.</param>
/// <param name="Description">The code's own description from the table the model was trained with; <c>null</c> when the table has no entry for it.</param>
/// <param name="Probability">The model's probability.</param>
/// <param name="Evidence">The note's words with the most attention for the code.</param>
public sealed record CodePrediction(string Code, string? Description, float Probability, IReadOnlyList<EvidenceToken> Evidence);

/// <summary>A word of the note that carried attention for a code, with its character offsets into the note's text.</summary>
public sealed record EvidenceToken(string Text, int Start, int Length, float Weight);
