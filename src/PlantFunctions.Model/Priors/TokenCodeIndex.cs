namespace PlantFunctions.Model.Priors;

/// <summary>For each token id, the codes it is a top token of, with the association value (compressed rows by token).</summary>
public sealed class TokenCodeIndex(int[] tokenOffsets, int[] codes, float[] values)
{
    /// <summary>Codes of a token.</summary>
    public ReadOnlySpan<int> CodesOf(int token) =>
        token + 1 < tokenOffsets.Length ? codes.AsSpan(tokenOffsets[token], tokenOffsets[token + 1] - tokenOffsets[token]) : [];

    /// <summary>Values aligned with <see cref="CodesOf"/>.</summary>
    public ReadOnlySpan<float> ValuesOf(int token) =>
        token + 1 < tokenOffsets.Length ? values.AsSpan(tokenOffsets[token], tokenOffsets[token + 1] - tokenOffsets[token]) : [];

    /// <summary>Number of (token, code) entries.</summary>
    public int Entries => codes.Length;
}
