using System.CommandLine;
using PlantFunctions.Contracts;
using PlantFunctions.Contracts.Batches;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Batches;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant submit</c>: uploads note files under <c>{notes}/{batchId}/</c>, starts the batch (POST /api/batches, or a
/// <c>_ready</c> marker), then follows its status URL with a progress display and prints the summary. Works against the
/// local host and the Azure Functions app alike.
/// </summary>
internal static class SubmitCommand
{
    internal static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Note files (.jsonl, .ndjson, .csv, .txt) or folders of them", Arity = ArgumentArity.OneOrMore };
        var batchId = new Option<string?>("--batch-id") { Description = "Batch id (default: submit-{UTC time})" };
        var modelVersion = new Option<string?>("--model-version") { Description = "Model version to code with (default: the active version)" };
        var api = new Option<string?>("--api") { Description = "Base URL of the API (default: http://localhost:{Host.LocalHttpPort}, as plant serve listens)" };
        var key = new Option<string?>("--key") { Description = "Function key (default: the first of Plant:Api:FunctionKeys)" };
        var marker = new Option<bool>("--marker") { Description = "Start the batch by uploading a _ready marker instead of calling POST /api/batches" };
        var noWait = new Option<bool>("--no-wait") { Description = "Start the batch and exit without following it" };
        var minCodes = new Option<int?>("--min-codes") { Description = "Return at least this many top codes per note, even below the threshold" };
        var threshold = new Option<double?>("--threshold") { Description = "Probability threshold (default: the model's tuned threshold)" };
        var perCode = new Option<bool>("--per-code-thresholds") { Description = "Use the model's per-code thresholds tuned on validation (codes without validation positives use the global one)" };
        var command = new Command("submit", "Upload note files, start a batch and follow it to the end")
        {
            paths, batchId, modelVersion, api, key, marker, noWait, minCodes, threshold, perCode,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (configuration, localSettings) = CliSettings.Load();
            string id = parse.GetValue(batchId) ?? $"submit-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}";
            var files = ExpandFiles(parse.GetValue(paths)!);
            if (files.Count == 0)
            {
                AnsiConsole.MarkupLine("[red]no note files (.jsonl, .ndjson, .csv, .txt) in the given paths[/]");
                return 2;
            }

            var account = StorageAccount.FromConfiguration(configuration);
            var notes = account.Blobs.GetBlobContainerClient(configuration["Plant:Containers:Notes"] ?? "notes");
            await notes.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await AnsiConsole.Status().StartAsync($"Uploading {files.Count} files to {notes.Name}/{id}/", async _ =>
            {
                foreach (var (path, name) in files)
                {
                    await notes.GetBlobClient($"{id}/{name}").UploadAsync(path, overwrite: true, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

            var client = CliSettings.ApiClient(configuration, localSettings, parse.GetValue(api), parse.GetValue(key));
            var request = new BatchStartRequest(id + "/", null, id, parse.GetValue(modelVersion), parse.GetValue(minCodes), parse.GetValue(threshold),
                parse.GetValue(perCode) ? true : null);
            Uri statusUri;
            if (parse.GetValue(marker))
            {
                var content = PlantJson.ToUtf8Bytes(new ReadyMarker(id, request.ModelVersion, request.MinCodes, request.Threshold, request.PerCodeThresholds));
                await notes.GetBlobClient($"{id}/{ReadyMarkers.MarkerName}").UploadAsync(new BinaryData(content), overwrite: true, cancellationToken).ConfigureAwait(false);
                AnsiConsole.MarkupLine($"Uploaded the ready marker [bold]{Markup.Escape($"{notes.Name}/{id}/{ReadyMarkers.MarkerName}")}[/]");
                statusUri = new Uri($"api/batches/{Uri.EscapeDataString(id)}", UriKind.Relative);
            }
            else
            {
                try
                {
                    var started = await client.StartBatchAsync(request, cancellationToken).ConfigureAwait(false);
                    statusUri = new Uri(started.StatusQueryGetUri);
                    AnsiConsole.MarkupLine($"Started batch [bold]{Markup.Escape(started.Id)}[/]: status at {Markup.Escape(Secrets.Redact(started.StatusQueryGetUri))}");
                }
                catch (PlantApiException ex)
                {
                    AnsiConsole.MarkupLine($"[red]the API refused the batch ({(int)ex.Status}):[/] {Markup.Escape(ex.Reason)}");
                    return 1;
                }
            }

            return parse.GetValue(noWait) ? 0 : await BatchProgressDisplay.FollowAsync(client, statusUri, account, configuration, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static List<(string Path, string Name)> ExpandFiles(IEnumerable<string> paths)
    {
        var files = new List<(string, string)>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (string file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => NoteReader.FormatOf(f) is not null).Order(StringComparer.Ordinal))
                {
                    files.Add((file, Path.GetRelativePath(path, file).Replace('\\', '/')));
                }
            }
            else if (File.Exists(path))
            {
                files.Add((path, Path.GetFileName(path)));
            }
            else
            {
                throw new FileNotFoundException($"'{path}' is neither a file nor a folder", path);
            }
        }

        return files;
    }
}
