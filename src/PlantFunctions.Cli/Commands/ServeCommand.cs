using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PlantFunctions.Host;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant serve</c>: the local host, the same orchestrations and activities as the Azure Functions app on the Durable
/// Task engine against the configured storage (Azure or Azurite), with the app's HTTP API.
/// </summary>
internal static class ServeCommand
{
    internal static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Where the API listens (default: http://localhost:{Host.LocalHttpPort of local.settings.json, else 7071})" };
        var roles = new Option<string?>("--roles") { Description = "Plant:Roles for this process: api (HTTP, ready markers, close-outs), worker (orchestrations and activities); default both" };
        var workers = new Option<int?>("--workers") { Description = "Plant:Workers:Count: activities this process runs at once" };
        var taskHub = new Option<string?>("--task-hub") { Description = "Plant:TaskHub: the Durable task hub" };
        var command = new Command("serve", "Run the API and the workers against the configured storage (local.settings.json, then environment variables)")
        {
            urls, roles, workers, taskHub,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            Set(overrides, "urls", parse.GetValue(urls));
            Set(overrides, "Plant:Roles", parse.GetValue(roles));
            Set(overrides, "Plant:Workers:Count", parse.GetValue(workers)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set(overrides, "Plant:TaskHub", parse.GetValue(taskHub));
            try
            {
                var app = PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions { Overrides = overrides });
                await using (app.ConfigureAwait(false))
                {
                    await app.StartAsync(cancellationToken).ConfigureAwait(false);
                    var host = app.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value;
                    var storage = app.Services.GetRequiredService<PlantStorage>();
                    AnsiConsole.MarkupLine($"[green]plant serve[/]: roles [bold]{Markup.Escape(host.Roles ?? "")}[/], task hub [bold]{Markup.Escape(storage.TaskHub)}[/] " +
                                           $"on storage account [bold]{Markup.Escape(storage.Account.AccountName)}[/], listening on [bold]{Markup.Escape(string.Join(", ", app.Urls))}[/]. Ctrl+C stops.");
                    await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
                }

                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException)
            {
                AnsiConsole.MarkupLine($"[red]plant serve cannot start:[/] {Markup.Escape(ex.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            overrides[key] = value;
        }
    }
}
