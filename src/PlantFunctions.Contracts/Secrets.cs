using System.Text.RegularExpressions;

namespace PlantFunctions.Contracts;

/// <summary>Keeps keys out of logs and printed text.</summary>
public static partial class Secrets
{
    /// <summary>Replaces the value of every <c>code=</c> query parameter (a function or system key) with <c>***</c>.</summary>
    public static string Redact(string? text) => text is null ? "" : CodeParameter().Replace(text, "$1***");

    [GeneratedRegex("((?:[?&]|&amp;)code=)[^&#\\s\"']*", RegexOptions.IgnoreCase)]
    private static partial Regex CodeParameter();
}
