using Azure;
using Azure.Data.Tables;

namespace PlantFunctions.Pipeline.Coding;

/// <summary>
/// A row of <c>{Hub}Models</c>: partition = model name; row "v:{version}" for a registered version, row "active" for
/// the pointer to the version that coding uses by default.
/// </summary>
internal sealed class ModelVersionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Version { get; set; } = "";

    public string Blob { get; set; } = "";

    public long SizeBytes { get; set; }

    public string? MetricsJson { get; set; }

    public string? TrainingJobId { get; set; }

    public string? TrainingRunId { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
}
