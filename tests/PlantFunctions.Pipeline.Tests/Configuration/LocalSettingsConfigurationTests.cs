using Microsoft.Extensions.Configuration;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;

namespace PlantFunctions.Pipeline.Tests.Configuration;

public sealed class LocalSettingsConfigurationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("plant-settings-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void AddLocalSettings_TheSampleFile_MapsDoubleUnderscoresToSections()
    {
        var configuration = new ConfigurationBuilder()
            .AddLocalSettings(Path.Combine(RepoPaths.Root, "local.settings.sample.json"))
            .Build();

        Assert.Equal("UseDevelopmentStorage=true", configuration[StorageAccount.ConnectionSetting]);
        Assert.Equal("auto", configuration["Plant:Device"]);
        Assert.Equal("64", configuration["Plant:Batches:NotesPerShard"]);
        Assert.Equal("notes", configuration.GetSection("Plant:Containers")["Notes"]);
    }

    [Fact]
    public void EnvironmentVariables_AddedAfterTheFile_OverrideIt()
    {
        string file = Path.Combine(folder, LocalSettingsConfiguration.FileName);
        File.WriteAllText(file, """{ "IsEncrypted": false, "Values": { "Plant__Device": "cpu", "Plant__TaskHub": "fromfile" } }""");
        string variable = $"PLANTTEST{Guid.NewGuid():N}__Plant__Device";
        Environment.SetEnvironmentVariable(variable, "cuda");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddLocalSettings(file)
                .AddEnvironmentVariables(variable[..^"Plant__Device".Length])
                .Build();

            Assert.Equal("cuda", configuration["Plant:Device"]);
            Assert.Equal("fromfile", configuration["Plant:TaskHub"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Find_LooksInParentFolders()
    {
        File.WriteAllText(Path.Combine(folder, LocalSettingsConfiguration.FileName), """{ "Values": {} }""");
        string child = Directory.CreateDirectory(Path.Combine(folder, "a", "b")).FullName;

        Assert.Equal(Path.Combine(folder, LocalSettingsConfiguration.FileName), LocalSettingsConfiguration.Find(child));
    }

    [Fact]
    public void Read_EncryptedFile_IsRefusedWithTheReason()
    {
        string file = Path.Combine(folder, LocalSettingsConfiguration.FileName);
        File.WriteAllText(file, """{ "IsEncrypted": true, "Values": { "A": "x" } }""");

        var ex = Assert.Throws<InvalidDataException>(() => LocalSettingsConfiguration.Read(file));

        Assert.Contains("IsEncrypted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageAccount_IdentitySettings_BuildServiceUrisFromTheAccountName()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage:accountName"] = "plantdata",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        }).Build();

        var account = StorageAccount.FromConfiguration(configuration);

        Assert.Equal(new Uri("https://plantdata.blob.core.windows.net/"), account.Blobs.Uri);
        Assert.Equal(new Uri("https://plantdata.queue.core.windows.net"), account.QueueUri);
        Assert.Equal("plantdata", account.AccountName);
    }

    [Fact]
    public void StorageAccount_NothingConfigured_SaysWhichSettingIsMissing()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageAccount.FromConfiguration(new ConfigurationBuilder().Build()));

        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
    }
}
