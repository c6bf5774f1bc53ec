using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// The three storage clients of one account, created once and shared (they are thread-safe). Reads the Azure Functions
/// connection setting <c>AzureWebJobsStorage</c>: either a connection string (<c>UseDevelopmentStorage=true</c> for
/// Azurite) or the identity-based form <c>AzureWebJobsStorage__accountName</c> / <c>__blobServiceUri</c> /
/// <c>__queueServiceUri</c> / <c>__tableServiceUri</c> with <c>__clientId</c> for a user-assigned managed identity.
/// </summary>
public sealed class StorageAccount
{
    /// <summary>The configuration key of the storage connection.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Creates the clients from a connection string.</summary>
    public StorageAccount(string connectionString)
    {
        ConnectionString = connectionString;
        Blobs = new BlobServiceClient(connectionString, BlobOptions());
        Tables = new TableServiceClient(connectionString, TableOptions());
    }

    /// <summary>Creates the clients from service URIs and a token credential (managed identity in Azure).</summary>
    public StorageAccount(Uri blobUri, Uri queueUri, Uri tableUri, TokenCredential credential)
    {
        Credential = credential;
        QueueUri = queueUri;
        Blobs = new BlobServiceClient(blobUri, credential, BlobOptions());
        Tables = new TableServiceClient(tableUri, credential, TableOptions());
    }

    /// <summary>Blob service client.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>The connection string, when the account was configured with one.</summary>
    public string? ConnectionString { get; }

    /// <summary>The identity, when the account was configured by service URIs (managed identity).</summary>
    public TokenCredential? Credential { get; }

    /// <summary>The queue endpoint, when the account was configured by service URIs (the Durable Task engine uses queues).</summary>
    public Uri? QueueUri { get; }

    /// <summary>Table service client.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>Account name, for logs and status output.</summary>
    public string AccountName => Blobs.AccountName;

    /// <summary>Builds the clients from configuration, or says which setting is missing.</summary>
    public static StorageAccount FromConfiguration(IConfiguration configuration)
    {
        string? connectionString = configuration[ConnectionSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageAccount(connectionString);
        }

        var section = configuration.GetSection(ConnectionSetting);
        string? account = section["accountName"];
        Uri? blob = Endpoint(section["blobServiceUri"], account, "blob");
        Uri? queue = Endpoint(section["queueServiceUri"], account, "queue");
        Uri? table = Endpoint(section["tableServiceUri"], account, "table");
        if (blob is null || queue is null || table is null)
        {
            throw new InvalidOperationException(
                $"No storage configured: set '{ConnectionSetting}' to a connection string (UseDevelopmentStorage=true for Azurite) " +
                $"or '{ConnectionSetting}__accountName' (or the three '{ConnectionSetting}__*ServiceUri' settings) for a managed identity.");
        }

        string? clientId = section["clientId"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return new StorageAccount(blob, queue, table, credential);
    }

    private static Uri? Endpoint(string? explicitUri, string? account, string service) =>
        !string.IsNullOrWhiteSpace(explicitUri) ? new Uri(explicitUri)
        : !string.IsNullOrWhiteSpace(account) ? new Uri($"https://{account}.{service}.core.windows.net")
        : null;

    /// <summary>
    /// How long transient storage failures (503 server busy, 500, timeouts, dropped connections) are retried inside one
    /// call before it fails: 8 retries, exponential from 0.5 s, at most 8 s apart, about 40 s in all. A storage
    /// hiccup therefore does not use up an activity's attempts (the Azure SDK's default gives up after about 6 s).
    /// </summary>
    internal static void ConfigureRetry(Azure.Core.ClientOptions options)
    {
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.MaxRetries = 8;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
    }

    // Pinned so the same build talks to Azure and to Azurite 3.37 (which rejects the SDK's newer default version).
    private static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06);
        ConfigureRetry(options);
        return options;
    }

    private static TableClientOptions TableOptions()
    {
        var options = new TableClientOptions();
        ConfigureRetry(options);
        return options;
    }
}
