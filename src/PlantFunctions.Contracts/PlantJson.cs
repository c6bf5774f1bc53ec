using System.Text.Json;
using System.Text.Json.Serialization;

namespace PlantFunctions.Contracts;

/// <summary>The JSON settings of every request, answer, record and document the service writes: camelCase, nulls left out, enums as names.</summary>
public static class PlantJson
{
    /// <summary>Compact (messages, JSON Lines).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Indented (summary.json and other documents people read).</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };

    /// <summary>Serialises to UTF-8 bytes.</summary>
    public static byte[] ToUtf8Bytes<T>(T value, bool indented = false) => JsonSerializer.SerializeToUtf8Bytes(value, indented ? Indented : Options);
}
