using Azure;
using Azure.Data.Tables;

namespace PlantFunctions.Pipeline.Training;

/// <summary>A training job row (<c>{Hub}TrainingJobs</c>, partition = job id, row "job"), claimed by a trainer with an ETag lease.</summary>
internal sealed class TrainingJobEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = TrainingJobService.RowKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Status { get; set; } = "Pending";

    public string RequestJson { get; set; } = "{}";

    public string ModelName { get; set; } = "";

    public DateTimeOffset CreatedTime { get; set; }

    public DateTimeOffset LastUpdatedTime { get; set; }

    public DateTimeOffset? StartedTime { get; set; }

    public DateTimeOffset? CompletedTime { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public int Attempts { get; set; }

    public string? Phase { get; set; }

    public int Epoch { get; set; }

    public int Epochs { get; set; }

    public int Step { get; set; }

    public int Steps { get; set; }

    public double? Loss { get; set; }

    public string? MetricsJson { get; set; }

    public double? RemainingSeconds { get; set; }

    public bool ResumedFromCheckpoint { get; set; }

    public string? OutputJson { get; set; }

    public string? Error { get; set; }

    public string JobId => PartitionKey;
}
