using Microsoft.Extensions.Configuration;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>Follows a batch's status URL with a progress bar, then prints its summary.</summary>
internal static class BatchProgressDisplay
{
    /// <summary>Follows <paramref name="statusUri"/> to the batch's end; returns 0 when it Completed.</summary>
    public static async Task<int> FollowAsync(PlantApiClient api, Uri statusUri, StorageAccount account, IConfiguration configuration, CancellationToken cancellationToken)
    {
        InstanceStatus? status = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                status = await api.WaitForEndAsync(statusUri, s => Show(task, s), cancellationToken: cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);

        var table = new Table().AddColumns("batch", Markup.Escape(status!.InstanceId));
        table.AddRow("status", status.RuntimeStatus == RuntimeStatus.Completed ? "[green]Completed[/]" : $"[red]{status.RuntimeStatus}[/]");
        var output = status.ReadOutput<BatchOutput>();
        if ((status.OutputText ?? output?.Reason) is { } reason)
        {
            table.AddRow("reason", Markup.Escape(reason));
        }

        string batchId = status.InstanceId;
        var results = account.Blobs.GetBlobContainerClient(output?.ResultsContainer ?? configuration["Plant:Containers:Results"] ?? "results");
        table.AddRow("results", Markup.Escape($"{results.Name}/{BatchPaths.ResultsPrefix(batchId)}"));
        var summaryContent = await results.GetBlobClient(BatchPaths.Summary(batchId)).DownloadIfExistsAsync(cancellationToken).ConfigureAwait(false);
        if (summaryContent?.ToObjectFromJson<BatchSummary>(PlantJson.Options) is { } summary)
        {
            table.AddRow("model", Markup.Escape($"{summary.ModelName} {summary.ModelVersion}"));
            table.AddRow("notes", $"{summary.NotesTotal:N0} ({summary.NotesCoded:N0} coded, {summary.NotesFailed:N0} failed)");
            table.AddRow("shards", $"{summary.ShardsTotal:N0} ({summary.ShardsCompleted:N0} completed, {summary.ShardsFailed:N0} failed)");
            table.AddRow("throughput", $"{summary.NotesPerSecond:N1} notes/s ({summary.DurationSeconds:N1} s from submission, {summary.CodingSeconds:N1} s inside the coder)");
            table.AddRow("top codes", Markup.Escape(string.Join(", ", summary.CodeCounts.OrderByDescending(c => c.Value).Take(8).Select(c => $"{c.Key} ({c.Value})"))));
        }

        AnsiConsole.Write(table);
        return status.RuntimeStatus == RuntimeStatus.Completed ? 0 : 1;
    }

    private static void Show(ProgressTask task, InstanceStatus status)
    {
        if (status.ReadCustomStatus<BatchProgress>() is not { } progress)
        {
            task.Description = Markup.Escape(status.RuntimeStatus.ToString());
            return;
        }

        int done = progress.Shards.Completed + progress.Shards.Failed;
        task.MaxValue = Math.Max(1, progress.Shards.Total);
        task.Value = done;
        task.Description = Markup.Escape($"{progress.Stage}: {done}/{progress.Shards.Total} shards, {progress.Notes.Coded} coded, {progress.Notes.Failed} failed of {progress.Notes.Total} notes");
    }
}
