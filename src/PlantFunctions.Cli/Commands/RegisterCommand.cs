using System.CommandLine;
using PlantFunctions.Model.Artifacts;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant register</c>: uploads a model file (what <c>plant train</c> wrote) to the service as a new version of a model
/// (<c>PUT /api/models/{name}/versions/{version}</c>), optionally making it the active version that batches use.
/// </summary>
internal static class RegisterCommand
{
    internal static Command Create()
    {
        var file = new Argument<FileInfo>("model-file") { Description = "The model file plant train wrote" };
        var name = new Option<string?>("--name") { Description = "Model name (default: Plant:ModelName, else codiesp-dx)" };
        var version = new Option<string?>("--version") { Description = "Version to register it as (default: the version stored in the file)" };
        var activate = new Option<bool>("--activate") { Description = "Make it the active version (the first version of a name is always active)" };
        var api = new Option<string?>("--api") { Description = "Base URL of the API (default: http://localhost:{Host.LocalHttpPort}, as plant serve listens)" };
        var key = new Option<string?>("--key") { Description = "Function key (default: the first of Plant:Api:FunctionKeys)" };
        var command = new Command("register", "Upload a trained model file to the service as a new model version")
        {
            file, name, version, activate, api, key,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                AnsiConsole.MarkupLine($"[red]model file not found:[/] {Markup.Escape(path.FullName)}");
                return 2;
            }

            string? versionName = parse.GetValue(version);
            if (versionName is null)
            {
                try
                {
                    await using var stream = path.OpenRead();
                    versionName = ModelArtifact.ReadManifest(stream).Version;
                }
                catch (InvalidDataException ex)
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(path.Name)}:[/] {Markup.Escape(ex.Message)}");
                    return 2;
                }
            }

            var (configuration, localSettings) = CliSettings.Load();
            string modelName = parse.GetValue(name) ?? configuration["Plant:ModelName"] ?? "codiesp-dx";
            var client = CliSettings.ApiClient(configuration, localSettings, parse.GetValue(api), parse.GetValue(key), TimeSpan.FromMinutes(30));
            await using var body = path.OpenRead();
            PlantFunctions.Contracts.Models.ModelVersionInfo registered;
            try
            {
                registered = await client.UploadModelAsync(modelName, versionName, body, parse.GetValue(activate), cancellationToken).ConfigureAwait(false);
            }
            catch (PlantFunctions.Contracts.Client.PlantApiException ex)
            {
                AnsiConsole.MarkupLine($"[red]the API refused the model ({(int)ex.Status}):[/] {Markup.Escape(ex.Reason)}");
                return 1;
            }

            AnsiConsole.MarkupLine($"registered [bold]{Markup.Escape(modelName)}[/] version [bold]{Markup.Escape(versionName)}[/] ({path.Length / (1024.0 * 1024.0):F1} MB){(registered.IsActive ? ", active" : "")}");
            return 0;
        });
        return command;
    }
}
