using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>Follows a batch's status URL with a progress bar, then prints its summary.</summary>
internal static class BatchProgressDisplay
{
    public static async Task<int> FollowAsync(HttpClient http, string statusPath, StorageAccount account, IConfiguration configuration, CancellationToken cancellationToken)
    {
        JsonElement status = default;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("planning", maxValue: 1);
                while (true)
                {
                    using var response = await http.GetAsync(new Uri(statusPath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted)
                    {
                        status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).RootElement.Clone();
                        var progress = status.GetProperty("customStatus");
                        var shards = progress.GetProperty("shards");
                        var notes = progress.GetProperty("notes");
                        int total = shards.GetProperty("total").GetInt32();
                        int done = shards.GetProperty("completed").GetInt32() + shards.GetProperty("failed").GetInt32();
                        task.MaxValue = Math.Max(1, total);
                        task.Value = done;
                        task.Description = Markup.Escape($"{status.GetProperty("runtimeStatus").GetString()}: {done}/{total} shards, " +
                                                         $"{notes.GetProperty("coded").GetInt32()} coded, {notes.GetProperty("failed").GetInt32()} failed of {notes.GetProperty("total").GetInt32()} notes");
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            task.Value = task.MaxValue;
                            return;
                        }
                    }
                    else if (response.StatusCode != HttpStatusCode.NotFound)
                    {
                        throw new HttpRequestException($"status query failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

        string runtimeStatus = status.GetProperty("runtimeStatus").GetString()!;
        var output = status.GetProperty("output");
        var table = new Table().AddColumns("batch", Markup.Escape(status.GetProperty("instanceId").GetString()!));
        table.AddRow("status", runtimeStatus == "Completed" ? "[green]Completed[/]" : $"[red]{Markup.Escape(runtimeStatus)}[/]");
        if (output.TryGetProperty("error", out var error))
        {
            table.AddRow("reason", Markup.Escape(error.GetString() ?? ""));
        }

        table.AddRow("results", Markup.Escape($"{output.GetProperty("resultsContainer").GetString()}/{output.GetProperty("resultsPrefix").GetString()}"));
        if (output.TryGetProperty("summary", out var summaryBlob) && summaryBlob.GetString() is { } summaryName)
        {
            var results = account.Blobs.GetBlobContainerClient(configuration["Plant:Containers:Results"] ?? "results");
            var summary = (await results.GetBlobClient(summaryName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<BatchSummary>(PlantJson.Options)!;
            table.AddRow("model", Markup.Escape($"{summary.ModelName} {summary.ModelVersion}"));
            table.AddRow("notes", $"{summary.NotesTotal:N0} ({summary.NotesCoded:N0} coded, {summary.NotesFailed:N0} failed)");
            table.AddRow("shards", $"{summary.ShardsTotal:N0} ({summary.ShardsCompleted:N0} completed, {summary.ShardsFailed:N0} failed)");
            table.AddRow("throughput", $"{summary.NotesPerSecond:N1} notes/s ({summary.DurationSeconds:N1} s from submission, {summary.CodingSeconds:N1} s inside the coder)");
            table.AddRow("top codes", Markup.Escape(string.Join(", ", summary.CodeCounts.OrderByDescending(c => c.Value).Take(8).Select(c => $"{c.Key} ({c.Value})"))));
        }

        AnsiConsole.Write(table);
        return runtimeStatus == "Completed" ? 0 : 1;
    }
}
