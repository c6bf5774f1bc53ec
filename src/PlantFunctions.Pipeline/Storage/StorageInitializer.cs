using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>Creates the service's containers and models table at start when they are missing (Bicep creates them in Azure).</summary>
public sealed partial class StorageInitializer(PlantStorage storage, ILogger<StorageInitializer> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.CreateIfMissingAsync(cancellationToken).ConfigureAwait(false);
        LogReady(logger, storage.TaskHub, storage.Account.AccountName);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Storage for task hub '{TaskHub}' ready on storage account '{Account}'")]
    private static partial void LogReady(ILogger logger, string taskHub, string account);
}
