using System.Text.Json;
using PlantFunctions.Model.Serialization;

namespace PlantFunctions.Model.Labels;

/// <summary>
/// The ordered codes a model predicts, with their descriptions. The order is the model's output order; the
/// <see cref="Hash"/> (over the codes only) lets a model file prove which label set it was trained with.
/// </summary>
public sealed class LabelSet
{
    private const int SchemaVersion = 1;
    private readonly string[] codes;
    private readonly string[] descriptions;
    private readonly Dictionary<string, int> index;

    /// <summary>Creates a label set; <paramref name="descriptions"/> may be shorter (missing ones are empty).</summary>
    public LabelSet(IReadOnlyList<string> codes, IReadOnlyList<string>? descriptions = null)
    {
        this.codes = [.. codes];
        this.descriptions = new string[this.codes.Length];
        index = new Dictionary<string, int>(this.codes.Length, StringComparer.Ordinal);
        for (int i = 0; i < this.codes.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(this.codes[i]))
            {
                throw new InvalidDataException($"label {i} has an empty code");
            }

            if (!index.TryAdd(this.codes[i], i))
            {
                throw new InvalidDataException($"code '{this.codes[i]}' appears twice in the label set");
            }

            this.descriptions[i] = descriptions is not null && i < descriptions.Count ? descriptions[i] ?? "" : "";
        }

        Hash = ContentHash.OfLines(this.codes);
    }

    /// <summary>Number of codes.</summary>
    public int Count => codes.Length;

    /// <summary>Codes in output order.</summary>
    public IReadOnlyList<string> Codes => codes;

    /// <summary>Descriptions in output order ("" where unknown).</summary>
    public IReadOnlyList<string> Descriptions => descriptions;

    /// <summary>A code's description by index, <c>null</c> when it has none.</summary>
    public string? DescriptionOf(int index) => descriptions[index] is { Length: > 0 } description ? description : null;

    /// <summary>SHA-256 (hex) of the codes in order.</summary>
    public string Hash { get; }

    /// <summary>The index of a code, or -1.</summary>
    public int IndexOf(string code) => index.GetValueOrDefault(code, -1);

    /// <summary>
    /// Builds the label set of a training corpus: every code that occurs, most frequent first (ties by code), with
    /// descriptions from <paramref name="describe"/> when given.
    /// </summary>
    public static LabelSet FromCodes(IEnumerable<IEnumerable<string>> codesPerNote, Func<string, string?>? describe = null, int minCount = 1)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var noteCodes in codesPerNote)
        {
            foreach (string code in noteCodes.Distinct(StringComparer.Ordinal))
            {
                counts[code] = counts.GetValueOrDefault(code) + 1;
            }
        }

        var ordered = counts.Where(p => p.Value >= minCount)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key).ToArray();
        return new LabelSet(ordered, [.. ordered.Select(c => describe?.Invoke(c) ?? "")]);
    }

    /// <summary>Writes the label set as JSON.</summary>
    public void Save(Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", SchemaVersion);
        writer.WriteString("hash", Hash);
        writer.WriteStartArray("labels");
        for (int i = 0; i < codes.Length; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("code", codes[i]);
            writer.WriteString("description", descriptions[i]);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a label set written by <see cref="Save"/>, checking schema and hash.</summary>
    public static LabelSet Load(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        int schema = root.GetProperty("schemaVersion").GetInt32();
        if (schema != SchemaVersion)
        {
            throw new InvalidDataException($"label set schema version {schema} is not supported (expected {SchemaVersion})");
        }

        var labels = root.GetProperty("labels").EnumerateArray().ToArray();
        var set = new LabelSet(
            [.. labels.Select(l => l.GetProperty("code").GetString()!)],
            [.. labels.Select(l => l.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "")]);
        if (root.TryGetProperty("hash", out var hash) && hash.GetString() != set.Hash)
        {
            throw new InvalidDataException("label set file is corrupt: its codes do not match its hash");
        }

        return set;
    }
}
