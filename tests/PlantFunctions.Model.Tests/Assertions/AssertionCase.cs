using PlantFunctions.Model.Assertions;
using PlantFunctions.Model.Text;

namespace PlantFunctions.Model.Tests.Assertions;

/// <summary>
/// One row of a sentence file (<c>assertion-sentences.tsv</c>, <c>assertion-heldout.tsv</c>): a sentence, a target word
/// in it (<c>word</c> or <c>word#2</c> for its second occurrence), the expected assertion, and whether it is core (its
/// exact tag must never regress).
/// </summary>
public sealed record AssertionCase(string Sentence, string Target, Assertion Expected, bool Core, int Line)
{
    /// <summary>The rows of a sentence file beside the test binary (lines starting with '#' are comments).</summary>
    public static IReadOnlyList<AssertionCase> Load(string fileName)
    {
        var cases = new List<AssertionCase>();
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Assertions", fileName));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i][0] == '#')
            {
                continue;
            }

            string[] fields = lines[i].Split('\t');
            if (fields.Length is < 3 or > 4 || !AssertionNames.TryParse(fields[2], out var expected) || (fields.Length == 4 && fields[3] != "core"))
            {
                throw new InvalidDataException($"{fileName} line {i + 1}: expected 'sentence<TAB>word<TAB>category[<TAB>core]'");
            }

            cases.Add(new AssertionCase(fields[0], fields[1], expected, fields.Length == 4, i + 1));
        }

        return cases;
    }

    /// <summary>The index of the target among the sentence's tokens; throws when it is missing or ambiguous.</summary>
    public int TargetIndex(IReadOnlyList<TokenSpan> spans)
    {
        string[] parts = Target.Split('#');
        int occurrence = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var at = Enumerable.Range(0, spans.Count)
            .Where(t => Sentence.AsSpan(spans[t].Start, spans[t].Length).Equals(parts[0], StringComparison.OrdinalIgnoreCase)).ToList();
        if (at.Count < occurrence || (parts.Length == 1 && at.Count > 1))
        {
            throw new InvalidDataException($"line {Line}: '{Target}' is {(at.Count == 0 ? "not a word of" : "ambiguous in")} '{Sentence}'");
        }

        return at[occurrence - 1];
    }

    /// <summary>What <paramref name="tagger"/> says about the target.</summary>
    public Assertion Tag(AssertionTagger tagger)
    {
        var spans = Tokenizer.Tokenize(Sentence);
        return tagger.Tag(Sentence, spans)[TargetIndex(spans)];
    }

    /// <inheritdoc />
    public override string ToString() => $"{Target} in \"{Sentence}\"";
}
