namespace PlantFunctions.Model.Assertions;

/// <summary>A text's tokens as the tagger sees them: lexicon word ids (-1 outside the lexicon) and the gap before each.</summary>
/// <param name="Words">Each token's word id in the lexicon, or -1.</param>
/// <param name="Gaps">What lies before each token (the first: <see cref="GapKind.Sentence"/>).</param>
internal sealed record TokenSentence(int[] Words, GapKind[] Gaps)
{
    /// <summary>The number of tokens.</summary>
    public int Count => Words.Length;

    /// <summary>Whether token <paramref name="token"/> is the first of its sentence (nothing but weaker gaps since the last sentence end).</summary>
    public bool StartsSentence(int token) => Gaps[token] == GapKind.Sentence;
}
