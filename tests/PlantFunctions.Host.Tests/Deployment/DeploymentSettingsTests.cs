using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Testing;

namespace PlantFunctions.Host.Tests.Deployment;

/// <summary>The sample settings, the Bicep app settings and the options the host binds must agree.</summary>
public sealed partial class DeploymentSettingsTests
{
    private static readonly string[] StorageIdentitySettings =
        ["AzureWebJobsStorage__accountName", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri",
         "AzureWebJobsStorage__tableServiceUri", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId"];

    [Fact]
    public void Bicep_SetsEveryPlantSettingOfTheSampleAndAnIdentityStorageConnection()
    {
        var sample = SampleSettingNames();
        var bicep = BicepSettingNames();

        Assert.Contains(sample, n => n.StartsWith("Plant__", StringComparison.Ordinal));
        Assert.All(sample.Where(n => n.StartsWith("Plant__", StringComparison.Ordinal)), name => Assert.Contains(name, bicep));
        Assert.All(bicep.Where(n => n.StartsWith("Plant__", StringComparison.Ordinal)), name => Assert.Contains(name, sample));
        Assert.All(StorageIdentitySettings, name => Assert.Contains(name, bicep));
        Assert.DoesNotContain("AzureWebJobsStorage", bicep);   // no connection string (and so no account key) in Azure
    }

    [Fact]
    public void SampleSettings_BindToTheHostOptionsWithoutUnknownNames()
    {
        var configuration = new ConfigurationBuilder()
            .AddLocalSettings(Path.Combine(RepoPaths.Root, "local.settings.sample.json"))
            .Build();
        var plant = configuration.GetSection("Plant").Get<PlantOptions>(o => o.ErrorOnUnknownConfiguration = false)!;
        var batches = configuration.GetSection(BatchOptions.SectionName).Get<BatchOptions>(o => o.ErrorOnUnknownConfiguration = true)!;
        var workers = configuration.GetSection(WorkerOptions.SectionName).Get<WorkerOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        Assert.Equal("auto", plant.Device);
        Assert.Equal(64, batches.NotesPerShard);
        Assert.Equal(1, workers.Count);
        var known = typeof(PlantOptions).GetProperties().Select(p => $"Plant:{p.Name}")
            .Concat(new[] { typeof(PlantOptions).Assembly, typeof(PlantHost).Assembly }.SelectMany(a => a.GetTypes())
                .Select(t => t.GetField("SectionName")?.GetValue(null) as string).OfType<string>())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var used = configuration.GetSection("Plant").GetChildren().Select(c => c.Path);
        Assert.All(used, path => Assert.Contains(path, known));
    }

    private static HashSet<string> SampleSettingNames()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return [.. document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name)];
    }

    private static HashSet<string> BicepSettingNames()
    {
        string text = string.Join('\n', Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "bicep"), "*.bicep", SearchOption.AllDirectories).Select(File.ReadAllText));
        return [.. SettingName().Matches(text).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"name:\s*'((?:Plant|AzureWebJobsStorage|AZURE)[A-Za-z_]*)'")]
    private static partial Regex SettingName();
}
