namespace PlantFunctions.Model.Coding;

/// <summary>The codes assigned to one note, most probable first.</summary>
public sealed record CodedNote(string NoteId, IReadOnlyList<CodePrediction> Codes);

/// <summary>One assigned code with its probability and the words that led to it.</summary>
public sealed record CodePrediction(string Code, string Description, float Probability, IReadOnlyList<EvidenceToken> Evidence);

/// <summary>A word of the note that carried attention for a code, with its character offsets into the note's text.</summary>
public sealed record EvidenceToken(string Text, int Start, int Length, float Weight);
