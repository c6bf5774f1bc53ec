namespace PlantFunctions.Model.Assertions;

/// <summary>The wire names of assertions: <c>"negated"</c>, <c>"possible"</c>, <c>"historical"</c>, <c>"family"</c>; none for affirmed.</summary>
public static class AssertionNames
{
    /// <summary>Every assertion with its name, affirmed included (<c>"affirmed"</c>, used by data files, never by records).</summary>
    public static IReadOnlyList<(Assertion Assertion, string Name)> All { get; } =
    [
        (Assertion.Affirmed, "affirmed"),
        (Assertion.Negated, "negated"),
        (Assertion.Possible, "possible"),
        (Assertion.Historical, "historical"),
        (Assertion.Family, "family"),
    ];

    /// <summary>The name a record carries: <c>null</c> for <see cref="Assertion.Affirmed"/>, so affirmed words stay compact.</summary>
    public static string? RecordName(this Assertion assertion) => assertion == Assertion.Affirmed ? null : Name(assertion);

    /// <summary>The name of any assertion, <c>"affirmed"</c> included.</summary>
    public static string Name(this Assertion assertion) => All[(int)assertion].Name;

    /// <summary>Parses a name (case-insensitive); <c>false</c> when it names no assertion.</summary>
    public static bool TryParse(string? name, out Assertion assertion)
    {
        foreach (var (value, known) in All)
        {
            if (string.Equals(name, known, StringComparison.OrdinalIgnoreCase))
            {
                assertion = value;
                return true;
            }
        }

        assertion = Assertion.Affirmed;
        return false;
    }
}
