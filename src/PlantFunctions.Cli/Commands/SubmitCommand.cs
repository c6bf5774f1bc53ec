using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using PlantFunctions.Model.Notes;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant submit</c>: uploads note files under <c>{notes}/{batchId}/</c>, starts the batch (POST /api/batches, or a
/// <c>_ready</c> marker), then polls its status with a progress display and prints the summary.
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
        var command = new Command("submit", "Upload note files, start a batch and follow it to the end")
        {
            paths, batchId, modelVersion, api, key, marker, noWait, minCodes, threshold,
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

            using var http = CliSettings.ApiClient(configuration, localSettings, parse.GetValue(api), parse.GetValue(key));

            string statusPath = $"api/batches/{Uri.EscapeDataString(id)}";
            if (parse.GetValue(marker))
            {
                var content = JsonSerializer.SerializeToUtf8Bytes(new { batchId = id, modelVersion = parse.GetValue(modelVersion), minCodes = parse.GetValue(minCodes), threshold = parse.GetValue(threshold) }, PlantJson.Options);
                await notes.GetBlobClient($"{id}/_ready").UploadAsync(new BinaryData(content), overwrite: true, cancellationToken).ConfigureAwait(false);
                AnsiConsole.MarkupLine($"Uploaded the ready marker [bold]{Markup.Escape($"{notes.Name}/{id}/_ready")}[/]");
            }
            else
            {
                using var response = await http.PostAsJsonAsync("api/batches", new { prefix = id + "/", batchId = id, modelVersion = parse.GetValue(modelVersion), minCodes = parse.GetValue(minCodes), threshold = parse.GetValue(threshold) }, cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    AnsiConsole.MarkupLine($"[red]the API refused the batch ({(int)response.StatusCode}):[/] {Markup.Escape(body)}");
                    return 1;
                }

                AnsiConsole.MarkupLine($"Started batch [bold]{Markup.Escape(id)}[/]: {Markup.Escape(response.Headers.Location?.ToString() ?? "")}");
            }

            return parse.GetValue(noWait) ? 0 : await BatchProgressDisplay.FollowAsync(http, statusPath, account, configuration, cancellationToken).ConfigureAwait(false);
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
