using System.Globalization;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Assertions;

/// <summary>
/// The phrases of the assertion tagger: triggers with their category, direction and scope, pseudo-triggers and
/// terminators. <see cref="Default"/> is our own list for English clinical text (<c>assertion-lexicon.txt</c> beside
/// this file, embedded in the assembly; its header describes the format).
/// </summary>
public sealed class AssertionLexicon
{
    /// <summary>Forward scope in words unless a phrase says otherwise (historical: <see cref="HistoricalForwardLimit"/>).</summary>
    public const int ForwardLimit = 10;

    /// <summary>Backward scope in words unless a phrase says otherwise.</summary>
    public const int BackwardLimit = 6;

    /// <summary>Scope on each side of a <see cref="TriggerKind.Both"/> phrase unless it says otherwise.</summary>
    public const int BothLimit = 4;

    /// <summary>Forward scope of historical phrases: a history list ("History of hypertension, ...") runs long.</summary>
    public const int HistoricalForwardLimit = 15;

    private static readonly Lazy<AssertionLexicon> DefaultLexicon = new(() =>
    {
        using var stream = typeof(AssertionLexicon).Assembly.GetManifestResourceStream("PlantFunctions.Model.Assertions.assertion-lexicon.txt")
            ?? throw new InvalidOperationException("the embedded assertion lexicon is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    });

    private AssertionLexicon(IReadOnlyList<AssertionTrigger> triggers) => Triggers = triggers;

    /// <summary>Our lexicon for English clinical text.</summary>
    public static AssertionLexicon Default => DefaultLexicon.Value;

    /// <summary>Every phrase, alternatives expanded, in file order.</summary>
    public IReadOnlyList<AssertionTrigger> Triggers { get; }

    /// <summary>Reads a lexicon (see <c>assertion-lexicon.txt</c> for the format).</summary>
    /// <exception cref="InvalidDataException">A line is malformed, a word is not one tokenizer word, or a phrase comes twice.</exception>
    public static AssertionLexicon Parse(TextReader reader)
    {
        var triggers = new List<AssertionTrigger>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        int number = 0;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            string content = line.Trim();
            if (content.Length == 0 || content[0] == '#')
            {
                continue;
            }

            int colon = content.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new InvalidDataException($"assertion lexicon line {number}: expected '<kind> <category> [options] : <phrase>'");
            }

            var template = ParseHead(content[..colon], number);
            foreach (string phrase in Expand(content[(colon + 1)..].Trim()))
            {
                string[] words = phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0 || words.Any(w => !Tokenizer.Words(w).SequenceEqual([w])))
                {
                    throw new InvalidDataException($"assertion lexicon line {number}: '{phrase}' is not a phrase of lower-case tokenizer words");
                }

                string key = string.Join(' ', words);
                if (seen.TryGetValue(key, out int first))
                {
                    throw new InvalidDataException($"assertion lexicon line {number}: '{key}' is already on line {first}");
                }

                seen[key] = number;
                triggers.Add(template with { Words = words });
            }
        }

        return new AssertionLexicon(triggers);
    }

    private static AssertionTrigger ParseHead(string head, int number)
    {
        string[] parts = head.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new InvalidDataException($"assertion lexicon line {number}: expected a kind and a category before ':'");
        }

        var kind = parts[0] switch
        {
            "forward" => TriggerKind.Forward,
            "backward" => TriggerKind.Backward,
            "either" => TriggerKind.Either,
            "both" => TriggerKind.Both,
            "pseudo" => TriggerKind.Pseudo,
            "end" => TriggerKind.Terminator,
            _ => throw new InvalidDataException($"assertion lexicon line {number}: unknown kind '{parts[0]}'"),
        };
        var category = Assertion.Affirmed;
        List<Assertion>? terminates = kind == TriggerKind.Terminator && parts[1] != "all" ? [] : null;
        bool categoryOk = kind switch
        {
            TriggerKind.Terminator => terminates is null || parts[1].Split(',').All(name => IsCategory(name, out var ended) && Added(terminates, ended)),
            _ => IsCategory(parts[1], out category),
        };
        if (!categoryOk)
        {
            throw new InvalidDataException($"assertion lexicon line {number}: '{parts[1]}' is not a category for '{parts[0]}'");
        }

        int limit = kind switch
        {
            TriggerKind.Backward or TriggerKind.Either => BackwardLimit,
            TriggerKind.Both => BothLimit,
            _ => category == Assertion.Historical ? HistoricalForwardLimit : ForwardLimit,
        };
        bool endsAtComma = false, afterComma = false;
        foreach (string option in parts.Skip(2))
        {
            if (option.StartsWith("limit=", StringComparison.Ordinal) && int.TryParse(option.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0)
            {
                limit = value;
            }
            else if (option == "comma")
            {
                endsAtComma = true;
            }
            else if (option == "after-comma" && kind == TriggerKind.Terminator)
            {
                afterComma = true;
            }
            else
            {
                throw new InvalidDataException($"assertion lexicon line {number}: unknown option '{option}'");
            }
        }

        return new AssertionTrigger([], kind, category, limit, endsAtComma, afterComma, terminates);
    }

    private static bool IsCategory(string name, out Assertion category) =>
        AssertionNames.TryParse(name, out category) && category != Assertion.Affirmed;

    private static bool Added(List<Assertion> list, Assertion category)
    {
        list.Add(category);
        return true;
    }

    /// <summary>Every phrase a template with <c>{a|b|}</c> groups stands for (the empty alternative drops the group).</summary>
    private static IEnumerable<string> Expand(string template)
    {
        int open = template.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            yield return template;
            yield break;
        }

        int close = template.IndexOf('}', open);
        if (close < 0)
        {
            throw new InvalidDataException($"unclosed '{{' in '{template}'");
        }

        foreach (string alternative in template[(open + 1)..close].Split('|'))
        {
            foreach (string phrase in Expand(string.Concat(template.AsSpan(0, open), alternative, template.AsSpan(close + 1))))
            {
                yield return phrase;
            }
        }
    }
}
