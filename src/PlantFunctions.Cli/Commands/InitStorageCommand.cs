using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant init-storage</c>: creates the queues, tables and blob containers of the configured task hub on the configured
/// storage account (Azurite or Azure) and lists them. The service does the same when it starts; this is for preparing
/// an account ahead of time, or checking that the configured connection works.
/// </summary>
internal static class InitStorageCommand
{
    internal static Command Create()
    {
        var command = new Command("init-storage", "Create the task hub's queues, tables and containers on the configured storage account");
        command.SetAction(async (_, cancellationToken) =>
        {
            var (configuration, _) = CliSettings.Load();
            var plant = configuration.GetSection(PlantOptions.SectionName).Get<PlantOptions>() ?? new PlantOptions();
            var containers = configuration.GetSection(ContainerOptions.SectionName).Get<ContainerOptions>() ?? new ContainerOptions();
            var hub = new TaskHub(StorageAccount.FromConfiguration(configuration), Options.Create(plant), Options.Create(containers));
            await hub.CreateIfMissingAsync(cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLine($"task hub [bold]{Markup.Escape(hub.Name)}[/] is ready on {Markup.Escape(hub.Account.Blobs.AccountName)}:");
            AnsiConsole.MarkupLine($"  queues     {Markup.Escape(string.Join(", ", hub.Queues.Select(q => q.Name)))}");
            AnsiConsole.MarkupLine($"  tables     {Markup.Escape(string.Join(", ", hub.Tables.Select(t => t.Name)))}");
            AnsiConsole.MarkupLine($"  containers {Markup.Escape(string.Join(", ", hub.Containers.Select(c => c.Name)))}");
            return 0;
        });
        return command;
    }
}
