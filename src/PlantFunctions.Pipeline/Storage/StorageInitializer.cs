using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>Creates the task hub's queues, tables and containers at start when they are missing (Bicep creates them in Azure).</summary>
public sealed partial class StorageInitializer(TaskHub hub, ILogger<StorageInitializer> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await hub.CreateIfMissingAsync(cancellationToken).ConfigureAwait(false);
        LogReady(logger, hub.Name, hub.Account.AccountName);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Task hub '{TaskHub}' ready on storage account '{Account}'")]
    private static partial void LogReady(ILogger logger, string taskHub, string account);
}
