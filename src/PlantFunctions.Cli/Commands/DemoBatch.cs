using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>Runs the demo batch through the HTTP API (202 + status URL, polled with a progress bar) and reads its results.</summary>
internal static class DemoBatch
{
    /// <summary>Starts the batch and follows it to its end; returns the final runtimeStatus.</summary>
    public static async Task<string> RunAsync(HttpClient http, string batchId, IReadOnlyList<DemoWorker> workers, CancellationToken cancellationToken)
    {
        using var start = await http.PostAsJsonAsync("/api/batches", new { prefix = batchId + "/", batchId, minCodes = 5 }, cancellationToken).ConfigureAwait(false);
        if (start.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /api/batches answered {(int)start.StatusCode}: {await start.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        var statusUri = start.Headers.Location ?? throw new InvalidOperationException("202 without a Location header");
        AnsiConsole.MarkupLine($"batch [bold]{batchId}[/] accepted (202); status at {Markup.Escape(statusUri.ToString().Split('?')[0])}; {workers.Count} worker processes (pids {string.Join(", ", workers.Select(w => w.ProcessId))})");
        string status = "Pending";
        await AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("coding notes", maxValue: 1);
                while (true)
                {
                    using var response = await http.GetAsync(statusUri, cancellationToken).ConfigureAwait(false);
                    using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var root = document.RootElement;
                    status = root.GetProperty("runtimeStatus").GetString() ?? "Unknown";
                    if (root.TryGetProperty("customStatus", out var progress) && progress.ValueKind == JsonValueKind.Object)
                    {
                        var notes = progress.GetProperty("notes");
                        int total = notes.GetProperty("total").GetInt32(), done = notes.GetProperty("coded").GetInt32() + notes.GetProperty("failed").GetInt32();
                        task.MaxValue = Math.Max(1, total);
                        task.Value = done;
                        task.Description = $"{status}: {done}/{total} notes";
                    }

                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        task.Value = task.MaxValue;
                        return;
                    }

                    if (workers.FirstOrDefault(w => w.HasExited) is { } dead)
                    {
                        throw new InvalidOperationException($"worker {dead.Number} exited: {dead.Output}");
                    }

                    await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return status;
    }

    /// <summary>All result records of the batch, by note id.</summary>
    public static async Task<Dictionary<string, ResultRecord>> ReadResultsAsync(TaskHub hub, string batchId, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, ResultRecord>(StringComparer.Ordinal);
        await foreach (var blob in hub.Results.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, BatchPaths.ResultsPrefix(batchId), cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Name.EndsWith(".jsonl", StringComparison.Ordinal) || blob.Name.Contains("/_work/", StringComparison.Ordinal))
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
