namespace PlantFunctions.Contracts.Batches;

/// <summary>A word that supported a code, with its character offsets into the note's text.</summary>
/// <param name="Text">The word as it appears in the note.</param>
/// <param name="Start">0-based character offset.</param>
/// <param name="Length">Length in characters.</param>
/// <param name="Weight">Attention weight.</param>
public sealed record ResultEvidence(string Text, int Start, int Length, float Weight);
