using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PlantFunctions.Testing;

/// <summary>Generated note files.</summary>
public static class TestNotes
{
    private static readonly string[] Findings = ["fever", "cough", "diabetes", "hypertension", "chest pain", "a wrist fracture", "a routine visit"];

    /// <summary>JSON Lines with notes n{first}..n{first+count-1}.</summary>
    public static string JsonLines(int count, int first = 0, string idPrefix = "n")
    {
        var text = new StringBuilder();
        for (int i = first; i < first + count; i++)
        {
            string id = idPrefix + i.ToString(CultureInfo.InvariantCulture);
            string note = $"Patient {i} presents with {Findings[i % Findings.Length]} and {Findings[(i / 3) % Findings.Length]}.";
            text.Append(JsonSerializer.Serialize(new { id, text = note })).Append('\n');
        }

        return text.ToString();
    }
}
