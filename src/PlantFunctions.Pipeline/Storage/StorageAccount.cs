using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
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
        Blobs = new BlobServiceClient(connectionString, BlobOptions());
        Queues = new QueueServiceClient(connectionString, QueueOptions());
        Tables = new TableServiceClient(connectionString);
    }

    /// <summary>Creates the clients from service URIs and a token credential (managed identity in Azure).</summary>
    public StorageAccount(Uri blobUri, Uri queueUri, Uri tableUri, TokenCredential credential)
    {
        Blobs = new BlobServiceClient(blobUri, credential, BlobOptions());
        Queues = new QueueServiceClient(queueUri, credential, QueueOptions());
        Tables = new TableServiceClient(tableUri, credential);
    }

    /// <summary>Blob service client.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>Queue service client.</summary>
    public QueueServiceClient Queues { get; }

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

    // Pinned so the same build talks to Azure and to Azurite 3.37 (which rejects the SDK's newer default version).
    private static BlobClientOptions BlobOptions() => new(BlobClientOptions.ServiceVersion.V2026_06_06);

    private static QueueClientOptions QueueOptions() => new(QueueClientOptions.ServiceVersion.V2026_06_06)
    {
        MessageEncoding = QueueMessageEncoding.None,
    };
}
