using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PlantFunctions.Host;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary><c>plant serve</c>: the HTTP API and the role loops against the configured storage (Azure or Azurite).</summary>
internal static class ServeCommand
{
    internal static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Where the API listens (default: http://localhost:{Host.LocalHttpPort of local.settings.json, else 7071})" };
        var roles = new Option<string?>("--roles") { Description = "Plant:Roles for this process: api, coordinator, worker, trainer (default: from configuration)" };
        var workers = new Option<int?>("--workers") { Description = "Plant:Workers:Count: work-item loops in this process" };
        var taskHub = new Option<string?>("--task-hub") { Description = "Plant:TaskHub: prefix of the queues and tables" };
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
                    var plant = app.Services.GetRequiredService<IOptions<PlantOptions>>().Value;
                    var hub = app.Services.GetRequiredService<TaskHub>();
                    AnsiConsole.MarkupLine($"[green]plant serve[/]: roles [bold]{Markup.Escape(plant.Roles ?? "")}[/], task hub [bold]{Markup.Escape(hub.Name)}[/] " +
                                           $"on storage account [bold]{Markup.Escape(hub.Account.AccountName)}[/], listening on [bold]{Markup.Escape(string.Join(", ", app.Urls))}[/]. Ctrl+C stops.");
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
