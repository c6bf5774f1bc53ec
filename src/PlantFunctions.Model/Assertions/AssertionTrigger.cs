namespace PlantFunctions.Model.Assertions;

/// <summary>One phrase of the assertion lexicon.</summary>
/// <param name="Words">The phrase's lower-case words, as the tokenizer splits them ("didn't" is "didn", "t").</param>
/// <param name="Kind">How it acts on the words around it.</param>
/// <param name="Category">The assertion it gives (a pseudo-trigger: the one whose trigger it hides); <see cref="Assertion.Affirmed"/> for terminators.</param>
/// <param name="Limit">The most words its scope reaches (each direction).</param>
/// <param name="EndsAtComma">Its scope also ends at a comma (hypotheticals such as "if ..., then").</param>
/// <param name="AfterComma">As a terminator, it ends scopes only when a comma comes right before it (", with").</param>
/// <param name="Terminates">As a terminator, the categories whose scopes it ends; <c>null</c>: every category's.</param>
public sealed record AssertionTrigger(IReadOnlyList<string> Words, TriggerKind Kind, Assertion Category, int Limit, bool EndsAtComma = false,
    bool AfterComma = false, IReadOnlyList<Assertion>? Terminates = null)
{
    /// <summary>Whether this phrase gives an assertion (forward, backward, either or both).</summary>
    public bool Asserts => Kind is TriggerKind.Forward or TriggerKind.Backward or TriggerKind.Either or TriggerKind.Both;

    /// <summary>
    /// Whether this phrase ends the scopes of <paramref name="category"/>'s triggers when a scope reaches it: terminators
    /// of that category or of all; triggers and pseudo-triggers of that category; and negated and possible ones each
    /// other's ("no pneumonia, possibly atelectasis"). Historical and family triggers do not end negated or possible
    /// scopes ("no history of nephrolithiasis"), nor the other way round: the stronger assertion wins on those words.
    /// </summary>
    public bool Ends(Assertion category) => Kind switch
    {
        TriggerKind.Terminator => Terminates is null || Terminates.Contains(category),
        _ => Category == category || (IsUncertainty(Category) && IsUncertainty(category)),
    };

    private static bool IsUncertainty(Assertion category) => category is Assertion.Negated or Assertion.Possible;
}
