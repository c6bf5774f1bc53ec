namespace PlantFunctions.Model.Assertions;

/// <summary>
/// What a note says about a mention (its assertion, in the sense of the NegEx/ConText family of taggers): present in the
/// patient now, absent, uncertain or hypothetical, in the patient's past, or about a family member.
/// </summary>
public enum Assertion : byte
{
    /// <summary>Asserted as present in the patient (no trigger applies).</summary>
    Affirmed = 0,

    /// <summary>Stated as absent ("no fever", "hematuria was ruled out").</summary>
    Negated,

    /// <summary>Uncertain or hypothetical ("possible pneumonia", "rule out sepsis", "return if fever develops").</summary>
    Possible,

    /// <summary>In the patient's past ("history of nephrolithiasis", "appendectomy years ago").</summary>
    Historical,

    /// <summary>About a relative, not the patient ("mother with breast cancer").</summary>
    Family,
}
