using System.Text.Json;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>Runs the demo batch through the HTTP API (202 + status URL, polled with a progress bar) and reads its results.</summary>
internal static class DemoBatch
{
    /// <summary>Starts the batch and follows its status URL to the end; returns the final runtime status.</summary>
    public static async Task<string> RunAsync(PlantApiClient api, string batchId, IReadOnlyList<DemoWorker> workers, CancellationToken cancellationToken)
    {
        var started = await api.StartBatchAsync(new BatchStartRequest(batchId + "/", BatchId: batchId, MinCodes: 5), cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLine($"batch [bold]{batchId}[/] accepted (202); status at {Markup.Escape(Secrets.Redact(started.StatusQueryGetUri))}; " +
                               $"{workers.Count} worker processes (pids {string.Join(", ", workers.Select(w => w.ProcessId))})");
        InstanceStatus? status = null;
        await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("coding notes", maxValue: 1);
                using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                status = await api.WaitForEndAsync(new Uri(started.StatusQueryGetUri), s =>
                {
                    if (s.ReadCustomStatus<BatchProgress>() is { } progress)
                    {
                        int done = progress.Notes.Coded + progress.Notes.Failed;
                        task.MaxValue = Math.Max(1, progress.Notes.Total);
                        task.Value = done;
                        task.Description = $"{s.RuntimeStatus} ({progress.Stage}): {done}/{progress.Notes.Total} notes";
                    }

                    if (workers.FirstOrDefault(w => w.HasExited) is { } dead)
                    {
                        throw new InvalidOperationException($"worker {dead.Number} exited: {dead.Output}");
                    }
                }, TimeSpan.FromMilliseconds(500), watch.Token).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return status!.RuntimeStatus.ToString();
    }

    /// <summary>All result records of the batch, by note id.</summary>
    public static async Task<Dictionary<string, ResultRecord>> ReadResultsAsync(PlantStorage hub, string batchId, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, ResultRecord>(StringComparer.Ordinal);
        await foreach (var blob in hub.Results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, BatchPaths.ResultsPrefix(batchId), cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Name.StartsWith(BatchPaths.ShardResultsPrefix(batchId), StringComparison.Ordinal))
            {
                continue;
            }

            var content = (await hub.Results.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
            foreach (string line in content.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var record = JsonSerializer.Deserialize<ResultRecord>(line, PlantJson.Options)!;
                records.Add(record.Id, record);
            }
        }

        return records;
    }
}
