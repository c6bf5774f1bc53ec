namespace PlantFunctions.Model.Text;

/// <summary>Where a token lies in the original text: character offset and length (UTF-16 units).</summary>
public readonly record struct TokenSpan(int Start, int Length)
{
    /// <summary>Offset one past the token's last character.</summary>
    public int End => Start + Length;
}
