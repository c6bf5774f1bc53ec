namespace PlantFunctions.Model.Assertions;

/// <summary>What lies between two neighbouring tokens, weakest first (scopes stop at the stronger ones).</summary>
internal enum GapKind : byte
{
    /// <summary>Only spaces, hyphens, slashes or apostrophes: the words can form one phrase ("r/o", "didn't").</summary>
    Join,

    /// <summary>Other characters that end nothing (brackets, quotes, dropped words with digits).</summary>
    Other,

    /// <summary>A comma: ends only the scopes of phrases marked so (hypotheticals).</summary>
    Comma,

    /// <summary>A colon: ends scopes except right next to the trigger ("Denies: fever", "Fever: absent").</summary>
    Colon,

    /// <summary>A sentence end (full stop, question or exclamation mark), a semicolon or a line break.</summary>
    Sentence,
}
