using System.Text.Json;
using PlantFunctions.Model.Serialization;

namespace PlantFunctions.Model.Text;

/// <summary>
/// Token types and their ids. Ids 0-2 are reserved (<see cref="PadId"/>, <see cref="UnknownId"/>, <see cref="BosId"/>);
/// the rest are ordered by corpus frequency. The <see cref="Hash"/> lets a model file prove which vocabulary it used.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Padding id: never attended to, never predicted.</summary>
    public const int PadId = 0;

    /// <summary>Id of every token not in the vocabulary.</summary>
    public const int UnknownId = 1;

    /// <summary>Beginning-of-note marker used between notes in language-model training.</summary>
    public const int BosId = 2;

    /// <summary>The reserved token strings, in id order.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["<pad>", "<unk>", "<bos>"];

    private const int SchemaVersion = 1;
    private readonly string[] tokens;
    private readonly Dictionary<string, int> ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> spanIds;

    /// <summary>Creates a vocabulary from tokens in id order; the first three must be <see cref="Reserved"/>.</summary>
    public Vocabulary(IReadOnlyList<string> tokensInIdOrder)
    {
        if (tokensInIdOrder.Count < Reserved.Count || !tokensInIdOrder.Take(Reserved.Count).SequenceEqual(Reserved))
        {
            throw new InvalidDataException($"a vocabulary must start with the reserved tokens {string.Join(", ", Reserved)}");
        }

        tokens = [.. tokensInIdOrder];
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (!ids.TryAdd(tokens[i], i))
            {
                throw new InvalidDataException($"token '{tokens[i]}' appears twice in the vocabulary");
            }
        }

        spanIds = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        Hash = ContentHash.OfLines(tokens);
    }

    /// <summary>Number of ids, reserved ones included.</summary>
    public int Count => tokens.Length;

    /// <summary>Tokens in id order.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    /// <summary>SHA-256 (hex) of the tokens in id order.</summary>
    public string Hash { get; }

    /// <summary>Builds a vocabulary from notes' texts.</summary>
    public static Vocabulary Build(IEnumerable<string> texts, VocabularyOptions? options = null)
    {
        var counter = new TokenCounter();
        foreach (string text in texts)
        {
            counter.Add(text);
        }

        return counter.ToVocabulary(options ?? new VocabularyOptions());
    }

    /// <summary>The id of an already lower-cased token, or <see cref="UnknownId"/>.</summary>
    public int IdOf(ReadOnlySpan<char> lowered) => spanIds.TryGetValue(lowered, out int id) ? id : UnknownId;

    /// <summary>The token string of an id.</summary>
    public string TokenOf(int id) => tokens[id];

    /// <summary>Tokenizes and maps a text to ids; <paramref name="spans"/> (if given) receives the offsets, one per id.</summary>
    public int[] Encode(string text, List<TokenSpan>? spans = null)
    {
        spans ??= [];
        spans.Clear();
        Tokenizer.Tokenize(text.AsSpan(), spans);
        var result = new int[spans.Count];
        Span<char> buffer = stackalloc char[128];
        for (int i = 0; i < result.Length; i++)
        {
            var token = text.AsSpan(spans[i].Start, spans[i].Length);
            result[i] = token.Length <= buffer.Length
                ? IdOf(buffer[..Tokenizer.Lower(token, buffer)])
                : IdOf(token.ToString().ToLowerInvariant());
        }

        return result;
    }

    /// <summary>Writes the vocabulary as JSON.</summary>
    public void Save(Stream stream)
    {
        using var writer = new Utf8JsonWriter(stream);
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", SchemaVersion);
        writer.WriteString("hash", Hash);
        writer.WriteStartArray("tokens");
        foreach (string token in tokens)
        {
            writer.WriteStringValue(token);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>, checking its schema and hash.</summary>
    public static Vocabulary Load(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        int schema = root.GetProperty("schemaVersion").GetInt32();
        if (schema != SchemaVersion)
        {
            throw new InvalidDataException($"vocabulary schema version {schema} is not supported (expected {SchemaVersion})");
        }

        var vocabulary = new Vocabulary([.. root.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)]);
        string? stored = root.TryGetProperty("hash", out var hash) ? hash.GetString() : null;
        if (stored is not null && stored != vocabulary.Hash)
        {
            throw new InvalidDataException("vocabulary file is corrupt: its tokens do not match its hash");
        }

        return vocabulary;
    }
}
