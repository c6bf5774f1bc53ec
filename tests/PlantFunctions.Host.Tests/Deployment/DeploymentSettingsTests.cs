using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using PlantFunctions.Host;
using PlantFunctions.Host.Api;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Testing;

namespace PlantFunctions.Host.Tests.Deployment;

/// <summary>
/// The sample settings (local.settings.sample.json), the Functions app's settings in the Bicep, the options classes the
/// code binds and the Functions host.json must agree.
/// </summary>
public sealed partial class DeploymentSettingsTests
{
    /// <summary>Names of the sample that only mean something to a local run; Azure gets none of them.</summary>
    private static readonly string[] LocalOnlySettings = ["AzureWebJobsStorage", "Plant__Roles", "Plant__Api__FunctionKeys"];

    private static readonly string[] StorageIdentitySettings =
        ["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri",
         "AzureWebJobsStorage__tableServiceUri", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId"];

    private static readonly JsonDocumentOptions LenientJson = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    [Fact]
    public void Bicep_SetsEveryNonLocalSettingOfTheSampleAndAnIdentityStorageConnection()
    {
        var sample = SampleSettingNames();
        var bicep = BicepSettings();

        Assert.Contains("Plant__Containers__Notes", sample);
        Assert.All(LocalOnlySettings, name => Assert.Contains(name, sample));
        // Every other name of the sample (FUNCTIONS_WORKER_RUNTIME and every Plant__* setting) is an app setting in Azure.
        Assert.All(sample.Except(LocalOnlySettings), name => Assert.Contains(name, bicep.Keys));
        Assert.All(bicep.Keys.Where(n => n.StartsWith("Plant__", StringComparison.Ordinal)), name => Assert.Contains(name, sample));
        // No connection string (and so no account key) in Azure, and none of the local host's settings.
        Assert.All(LocalOnlySettings, name => Assert.DoesNotContain(name, bicep.Keys));
        Assert.All(StorageIdentitySettings, name => Assert.Contains(name, bicep.Keys));
        Assert.Equal("'managedidentity'", bicep["AzureWebJobsStorage__credential"]);
        Assert.Equal("'dotnet-isolated'", bicep["FUNCTIONS_WORKER_RUNTIME"]);
        // The Functions host generates and keeps its own keys (the HTTP functions' function keys, Durable's system key).
        Assert.Equal("'blob'", bicep["AzureWebJobsSecretStorageType"]);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", bicep.Keys);
    }

    [Fact]
    public void SampleSettings_BindToTheOptionsClassesWithoutUnknownNames()
    {
        var configuration = new ConfigurationBuilder()
            .AddLocalSettings(Path.Combine(RepoPaths.Root, "local.settings.sample.json"))
            .Build();

        // The settings Azure gets are read by the pipeline's options, which the Functions app binds (AddPlantPipeline);
        // the local-only ones by the local host's.
        var pipelineOptions = OptionsBySection(typeof(PlantOptions).Assembly);
        var hostOptions = OptionsBySection(typeof(PlantHost).Assembly);
        foreach (string name in SampleSettingNames().Where(n => n.StartsWith("Plant__", StringComparison.Ordinal)))
        {
            string path = name.Replace("__", ":", StringComparison.Ordinal);
            string section = path[..path.LastIndexOf(':')];
            string key = path[(path.LastIndexOf(':') + 1)..];
            var owners = LocalOnlySettings.Contains(name) ? hostOptions : pipelineOptions;
            Assert.True(owners.TryGetValue(section, out var types) && types.Any(t => HasProperty(t, key)),
                $"{name} is bound by no {(LocalOnlySettings.Contains(name) ? "local host" : "pipeline")} options class (section {section}, property {key})");
        }

        // Below "Plant", every section binds with no unknown key; "Plant" itself also holds the sections.
        Assert.Equal("auto", configuration.GetSection(PlantOptions.SectionName).Get<PlantOptions>(o => o.ErrorOnUnknownConfiguration = false)!.Device);
        Assert.Equal("notes", Bind<ContainerOptions>(configuration, ContainerOptions.SectionName).Notes);
        Assert.Equal(64, Bind<BatchOptions>(configuration, BatchOptions.SectionName).NotesPerShard);
        // Plant:Workers is local-only and left to its default (one activity at a time, as host.json says for Azure).
        Assert.Equal(1, BindOrDefault<WorkerOptions>(configuration, WorkerOptions.SectionName).Count);
        Assert.Equal(2_000_000, Bind<NoteOptions>(configuration, NoteOptions.SectionName).MaxNoteChars);
        Assert.Equal(TimeSpan.FromMinutes(10), Bind<TrainingJobOptions>(configuration, TrainingJobOptions.SectionName).SliceDuration);
        Assert.NotEmpty(Bind<ApiOptions>(configuration, ApiOptions.SectionName).Keys);
        var plantKeys = typeof(PlantOptions).GetProperties().Concat(typeof(LocalHostOptions).GetProperties()).Select(p => $"Plant:{p.Name}")
            .Concat(pipelineOptions.Keys).Concat(hostOptions.Keys)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(configuration.GetSection("Plant").GetChildren().Select(c => c.Path), path => Assert.Contains(path, plantKeys));
    }

    [Fact]
    public void FunctionsHostJson_UsesThePlantTaskHubOneActivityAtATimeNoTimeoutAndTheAzureStorageProvider()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FunctionsHostJsonPath), LenientJson);
        var root = document.RootElement;
        var durable = root.GetProperty("extensions").GetProperty("durableTask");
        var provider = durable.GetProperty("storageProvider");

        Assert.Equal("-1", root.GetProperty("functionTimeout").GetString());
        Assert.Equal("%Plant:TaskHub%", durable.GetProperty("hubName").GetString());
        Assert.Equal(1, durable.GetProperty("maxConcurrentActivityFunctions").GetInt32());
        Assert.Equal("AzureStorage", provider.GetProperty("type").GetString(), ignoreCase: true);
        // The provider uses the host storage connection, which the Bicep gives as identity-based AzureWebJobsStorage__*.
        if (provider.TryGetProperty("connectionName", out var connection))
        {
            Assert.Equal("AzureWebJobsStorage", connection.GetString());
        }

        // One activity at a time per process in both hosts: the local host's Plant:Workers:Count (sample or default) matches.
        var configuration = new ConfigurationBuilder().AddLocalSettings(Path.Combine(RepoPaths.Root, "local.settings.sample.json")).Build();
        Assert.Equal(durable.GetProperty("maxConcurrentActivityFunctions").GetInt32(), BindOrDefault<WorkerOptions>(configuration, WorkerOptions.SectionName).Count);
    }

    [Fact]
    public void FunctionsAppSettingExpressions_NameSettingsTheBicepSets()
    {
        // %Name% in host.json and in trigger attributes (the blob trigger's %Plant:Containers:Notes%/{name}) is resolved
        // from the app settings; in Azure those come from the Bicep, so each one must be set there.
        string functionsDir = Path.GetDirectoryName(FunctionsHostJsonPath)!;
        var sources = Directory.EnumerateFiles(functionsDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(FunctionsHostJsonPath);
        var expressions = sources.SelectMany(f => AppSettingExpression().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet();
        var bicep = BicepSettings();

        Assert.Contains("Plant:TaskHub", expressions);
        Assert.Contains("Plant:Containers:Notes", expressions);
        Assert.All(expressions, expression => Assert.Contains(expression.Replace(":", "__", StringComparison.Ordinal), bicep.Keys));
    }

    private static string FunctionsHostJsonPath => Path.Combine(RepoPaths.Root, "src", "PlantFunctions.Functions", "host.json");

    private static T Bind<T>(IConfiguration configuration, string section) =>
        configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true)
        ?? throw new InvalidOperationException($"{section} is missing from local.settings.sample.json");

    private static T BindOrDefault<T>(IConfiguration configuration, string section) where T : new() =>
        configuration.GetSection(section).Get<T>(o => o.ErrorOnUnknownConfiguration = true) ?? new T();

    private static bool HasProperty(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true };

    /// <summary>The options classes of an assembly by their configuration section (a public const SectionName).</summary>
    private static Dictionary<string, List<Type>> OptionsBySection(Assembly assembly) =>
        assembly.GetTypes()
            .Select(t => (Type: t, Section: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string))
            .Where(x => x.Section is not null)
            .GroupBy(x => x.Section!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Type).ToList(), StringComparer.OrdinalIgnoreCase);

    private static HashSet<string> SampleSettingNames()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return [.. document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)];
    }

    /// <summary>The container env entries of the Bicep (<c>{ name: 'X', value: ... }</c> or <c>secretRef: ...</c>), by name, with the value's source text.</summary>
    private static Dictionary<string, string> BicepSettings()
    {
        string text = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "bicep"), "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in EnvEntry().Matches(text))
        {
            settings[match.Groups["name"].Value] = match.Groups["value"].Value.Trim();
        }

        return settings;
    }

    [GeneratedRegex(@"name:\s*'(?<name>[A-Za-z][A-Za-z0-9_]*)'\s*,?\s*(?:value|secretRef):\s*(?<value>[^}\n]*?)\s*(?:\}|\n)")]
    private static partial Regex EnvEntry();

    [GeneratedRegex(@"%([A-Za-z][A-Za-z0-9_:]*)%")]
    private static partial Regex AppSettingExpression();
}
