using System.CommandLine;
using PlantFunctions.Host;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant init-storage</c>: creates the configured task hub (the Durable Task engine's queues, tables and lease
/// containers) and the service's blob containers and models table on the configured storage account (Azurite or
/// Azure), and lists them. The host does the same when it starts; this prepares an account ahead of time, or checks
/// that the configured connection works.
/// </summary>
internal static class InitStorageCommand
{
    internal static Command Create()
    {
        var command = new Command("init-storage", "Create the task hub and the service's containers and table on the configured storage account");
        command.SetAction(async (_, cancellationToken) =>
        {
            var (configuration, _) = CliSettings.Load();
            var storage = await TaskHubStorage.CreateAsync(configuration, cancellationToken).ConfigureAwait(false);
            string hub = storage.TaskHub;
            AnsiConsole.MarkupLine($"task hub [bold]{Markup.Escape(hub)}[/] is ready on {Markup.Escape(storage.Account.AccountName)}:");
            AnsiConsole.MarkupLine($"  engine     queues {Markup.Escape(hub)}-control-NN, {Markup.Escape(hub)}-workitems; tables {Markup.Escape(hub)}History, {Markup.Escape(hub)}Instances; containers {Markup.Escape(hub)}-leases, {Markup.Escape(hub)}-largemessages");
            AnsiConsole.MarkupLine($"  models     table {Markup.Escape(storage.Models.Name)}");
            AnsiConsole.MarkupLine($"  containers {Markup.Escape(string.Join(", ", storage.Containers.Select(c => c.Name)))}");
            return 0;
        });
        return command;
    }
}
