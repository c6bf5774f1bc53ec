namespace PlantFunctions.Model.Assertions;

/// <summary>How a phrase of the assertion lexicon acts on the words around it.</summary>
public enum TriggerKind : byte
{
    /// <summary>Applies to the words after it ("no", "history of").</summary>
    Forward,

    /// <summary>
    /// Applies to the words before it ("was ruled out", "years ago"); with nothing before it in its sentence, to the
    /// words after it ("Five years ago, she was diagnosed with ...").
    /// </summary>
    Backward,

    /// <summary>
    /// Backward when words precede it in its sentence and it ends its clause (followed by punctuation, a terminator or
    /// the end of the text: "cultures were negative."), forward otherwise ("negative blood cultures").
    /// </summary>
    Either,

    /// <summary>Applies to the words on both sides ("pneumonia versus atelectasis").</summary>
    Both,

    /// <summary>
    /// Looks like a trigger but is none ("no increase", "gram negative", "history of present illness"): matched so that
    /// the trigger inside it does not fire, and it ends other triggers' scopes.
    /// </summary>
    Pseudo,

    /// <summary>Ends the scopes that reach it ("but", "however", "except"); for one category or all of them.</summary>
    Terminator,
}
