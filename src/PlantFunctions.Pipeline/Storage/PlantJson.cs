using System.Text.Json;
using System.Text.Json.Serialization;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>The JSON settings of every message, record and document the service writes: camelCase, nulls left out.</summary>
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
    public static BinaryData ToBinary<T>(T value, bool indented = false) =>
        BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, indented ? Indented : Options));
}
