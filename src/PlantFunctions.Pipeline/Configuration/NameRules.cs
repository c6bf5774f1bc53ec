using System.Text.RegularExpressions;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>
/// Validation of the names users send (batch ids, job ids, model names and versions, blob prefixes): they become
/// table keys and blob path segments, so nothing may climb out of the configured containers or break a key.
/// </summary>
public static partial class NameRules
{
    /// <summary>Ids of batches and training jobs, model versions: letters, digits, '.', '_', '-', 1-100 characters.</summary>
    public const string IdPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

    /// <summary>Model names.</summary>
    public const string ModelNamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$";

    /// <summary>Longest accepted prefix.</summary>
    public const int MaxPrefixLength = 512;

    /// <summary>Checks an id; <paramref name="what"/> names it in the reason.</summary>
    public static bool IsValidId(string? id, string what, out string? reason)
    {
        reason = id is null || !IdRegex().IsMatch(id) || id.Contains("..", StringComparison.Ordinal)
            ? $"{what} '{id}' is not valid: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit"
            : null;
        return reason is null;
    }

    /// <summary>Checks a model name.</summary>
    public static bool IsValidModelName(string? name, out string? reason)
    {
        reason = name is null || !ModelNameRegex().IsMatch(name) || name.Contains("..", StringComparison.Ordinal)
            ? $"model name '{name}' is not valid: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit"
            : null;
        return reason is null;
    }

    /// <summary>
    /// Checks a blob prefix inside a container and returns it normalised to end with '/'. Refused: empty, absolute,
    /// '.' or '..' segments, empty segments, backslashes, control characters, '?', '#' and '%'.
    /// </summary>
    public static bool TryNormalizePrefix(string? prefix, out string normalized, out string? reason)
    {
        normalized = "";
        string value = prefix?.Trim() ?? "";
        reason = value.Length == 0 ? "prefix is required (the folder of note files inside the container, e.g. 'batch-1/')"
            : value.Length > MaxPrefixLength ? $"prefix is longer than {MaxPrefixLength} characters"
            : value.StartsWith('/') ? $"prefix '{value}' must be relative to the container (no leading '/')"
            : value.Any(c => char.IsControl(c) || c is '\\' or '?' or '#' or '%') ? $"prefix '{value}' contains a character that is not allowed (\\, ?, #, % or a control character)"
            : null;
        if (reason is not null)
        {
            return false;
        }

        string trimmed = value.TrimEnd('/');
        foreach (string segment in trimmed.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.Trim().Length == 0)
            {
                reason = $"prefix '{value}' has an empty, '.' or '..' segment: it must stay inside the container";
                return false;
            }
        }

        normalized = trimmed + "/";
        return true;
    }

    [GeneratedRegex(IdPattern)]
    private static partial Regex IdRegex();

    [GeneratedRegex(ModelNamePattern)]
    private static partial Regex ModelNameRegex();
}
