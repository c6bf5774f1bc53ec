using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>
/// Reads an Azure Functions <c>local.settings.json</c> (<c>{"IsEncrypted": false, "Values": {...}}</c>) into
/// configuration: each value's <c>__</c> becomes <c>:</c>, as the Functions host does. Add it before environment
/// variables so they override it.
/// </summary>
public static class LocalSettingsConfiguration
{
    /// <summary>The file the host and CLI look for in the working directory and the repository root.</summary>
    public const string FileName = "local.settings.json";

    /// <summary>Adds the <c>Values</c> of <paramref name="path"/> when the file exists.</summary>
    public static IConfigurationBuilder AddLocalSettings(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        return builder.AddInMemoryCollection(Read(path));
    }

    /// <summary>Finds local.settings.json in the working directory or a parent of it; <c>null</c> when there is none.</summary>
    public static string? Find(string? startDirectory = null)
    {
        for (var dir = new DirectoryInfo(startDirectory ?? Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The settings of the file as configuration keys and values.</summary>
    public static Dictionary<string, string?> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        if (root.TryGetProperty("IsEncrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True)
        {
            throw new InvalidDataException($"{path}: encrypted local settings are not supported; set IsEncrypted to false");
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        return values;
    }
}
