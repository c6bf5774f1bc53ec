namespace PlantFunctions.Testing.Hosting;

/// <summary>
/// Settings for a test host on the shared Azurite: its own task hub and containers (isolation), short retry delays,
/// poll intervals, visibility timeouts and partition leases so that failures and recoveries happen within seconds, and
/// a dynamic port.
/// </summary>
public static class PlantTestSettings
{
    /// <summary>The function key test hosts accept.</summary>
    public const string FunctionKey = "test-key";

    /// <summary>The model name test hosts code with.</summary>
    public const string ModelName = "test-model";

    /// <summary>Settings for task hub <paramref name="taskHub"/> running <paramref name="roles"/> ("api", "worker" or "api,worker").</summary>
    public static Dictionary<string, string?> For(AzuriteFixture azurite, string taskHub, string roles, int notesPerShard = 10)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Plant:Roles"] = roles,
            ["Plant:Device"] = "cpu",
            ["Plant:TaskHub"] = taskHub,
            ["Plant:ModelName"] = ModelName,
            ["Plant:Api:FunctionKeys"] = "other-key;" + FunctionKey,
            ["Plant:Containers:Notes"] = $"{taskHub}-notes",
            ["Plant:Containers:Results"] = $"{taskHub}-results",
            ["Plant:Containers:Models"] = $"{taskHub}-models",
            ["Plant:Containers:Training"] = $"{taskHub}-training",
            ["Plant:Batches:NotesPerShard"] = notesPerShard.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Plant:Batches:MaxAttempts"] = "3",
            ["Plant:Batches:ErrorThreshold"] = "-1",
            ["Plant:Batches:RetryDelay"] = "00:00:00.200",
            ["Plant:Batches:MaxRetryDelay"] = "00:00:01",
            ["Plant:Batches:WatchReadyMarkers"] = "true",
            ["Plant:Batches:MarkerPollInterval"] = "00:00:00.200",
            ["Plant:Batches:SweepInterval"] = "00:00:00.500",
            ["Plant:Training:SliceDuration"] = "00:00:00",
            ["Plant:Training:RetryDelay"] = "00:00:00.200",
            ["Plant:Training:LeaseDuration"] = "00:00:15",
            ["Plant:Durable:PartitionCount"] = "2",
            ["Plant:Durable:WorkItemVisibilityTimeout"] = "00:00:04",
            ["Plant:Durable:ControlQueueVisibilityTimeout"] = "00:00:04",
            ["Plant:Durable:PartitionLeaseInterval"] = "00:00:04",
            ["Plant:Durable:PartitionRenewInterval"] = "00:00:01",
            ["Plant:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging:LogLevel:PlantFunctions"] = "Information",
        };
    }
}
