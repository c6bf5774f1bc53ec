using System.Globalization;
using System.Text;
using PlantFunctions.Model.Assertions;

namespace PlantFunctions.Model.Tests.Assertions;

/// <summary>Precision and recall of each assertion over a set of cases, with the cases the tagger got wrong.</summary>
public sealed class AssertionScores
{
    private readonly Dictionary<Assertion, (int Right, int Predicted, int Expected)> counts = AssertionNames.All.ToDictionary(a => a.Assertion, _ => (0, 0, 0));

    /// <summary>Tags every case and counts.</summary>
    public AssertionScores(IEnumerable<AssertionCase> cases, AssertionTagger tagger)
    {
        foreach (var item in cases)
        {
            var got = item.Tag(tagger);
            Total++;
            counts[got] = counts[got] with { Predicted = counts[got].Predicted + 1 };
            counts[item.Expected] = counts[item.Expected] with { Expected = counts[item.Expected].Expected + 1 };
            if (got == item.Expected)
            {
                counts[got] = counts[got] with { Right = counts[got].Right + 1 };
            }
            else
            {
                Wrong.Add((item, got));
            }
        }
    }

    /// <summary>The number of cases.</summary>
    public int Total { get; }

    /// <summary>The cases tagged otherwise than expected, with the tag given.</summary>
    public List<(AssertionCase Case, Assertion Got)> Wrong { get; } = [];

    /// <summary>The cases expected to have <paramref name="assertion"/>.</summary>
    public int Expected(Assertion assertion) => counts[assertion].Expected;

    /// <summary>Right / tagged <paramref name="assertion"/> (1 when never tagged so).</summary>
    public double Precision(Assertion assertion) => counts[assertion].Predicted == 0 ? 1 : counts[assertion].Right / (double)counts[assertion].Predicted;

    /// <summary>Right / expected <paramref name="assertion"/> (1 when never expected).</summary>
    public double Recall(Assertion assertion) => counts[assertion].Expected == 0 ? 1 : counts[assertion].Right / (double)counts[assertion].Expected;

    /// <summary>A table of precision and recall per assertion and the wrong cases.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Total - Wrong.Count}/{Total} targets tagged as expected");
        text.AppendLine("category    precision  recall  expected");
        foreach (var (assertion, name) in AssertionNames.All)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{name,-11} {Precision(assertion),9:F3}  {Recall(assertion),6:F3}  {Expected(assertion),8}");
        }

        foreach (var (item, got) in Wrong)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  line {item.Line}: expected {item.Expected.Name()}, got {got.Name()}: {item}");
        }

        return text.ToString();
    }
}
