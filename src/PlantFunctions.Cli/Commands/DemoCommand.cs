using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Host;
using PlantFunctions.Model.Labels;
using PlantFunctions.Model.Notes;
using PlantFunctions.Model.Training;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Pipeline.Coding;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Storage;
using Spectre.Console;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// <c>plant demo</c>: the whole product on one machine. Storage (a private Azurite unless a connection string is
/// configured), a model trained on the bundled CodiEsp sample (or the one trained before), the local host with the API
/// in this process and two worker processes running the orchestrations and activities on the Durable Task engine, a
/// batch of held-out sample notes run through the HTTP API, and a report:
/// notes coded, time, P@5 against the gold codes, and two notes with their codes, descriptions and evidence.
/// </summary>
internal static class DemoCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model file to use, trained first when missing", DefaultValueFactory = _ => Path.Combine(".plant", "demo-model.plant") };
        var workers = new Option<int>("--workers") { Description = "Worker processes", DefaultValueFactory = _ => 2 };
        var notes = new Option<int>("--notes") { Description = "Held-out sample notes in the batch (at most 100)", DefaultValueFactory = _ => 100 };
        var preset = new Option<string>("--preset") { Description = "Preset when a model must be trained", DefaultValueFactory = _ => "cpu" };
        var lmEpochs = new Option<int>("--lm-epochs") { Description = "Language-model epochs when training", DefaultValueFactory = _ => 3 };
        var epochs = new Option<int>("--epochs") { Description = "Classifier epochs when training", DefaultValueFactory = _ => 10 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or auto", DefaultValueFactory = _ => "auto" };
        var command = new Command("demo", "Train (or reuse) a model on the bundled sample and code held-out notes through the batch service with two workers")
        {
            model, workers, notes, preset, lmEpochs, epochs, device,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new DemoSettings(parse.GetValue(model)!, parse.GetValue(workers), Math.Clamp(parse.GetValue(notes), 1, 100),
                parse.GetValue(preset)!, parse.GetValue(lmEpochs), parse.GetValue(epochs), parse.GetValue(device)!);
            try
            {
                return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException)
            {
                AnsiConsole.MarkupLine($"[red]demo failed:[/] {Markup.Escape(ex.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var train = CodiEspImporter.Read(SampleData.CodiEspRoot, "train");
        var heldOut = CodiEspImporter.Read(SampleData.CodiEspRoot, "dev").Take(settings.Notes).ToList();
        AnsiConsole.MarkupLine($"[bold]PLANT demo[/]: CodiEsp sample (CC BY 4.0, Barcelona Supercomputing Center), {train.Count} training notes, {heldOut.Count} held-out notes.");

        byte[] modelFile = TrainOrReuse(settings, train, cancellationToken);
        string? configured = ConfiguredStorage();
        await using var azurite = configured is null ? await StartAzuriteAsync(cancellationToken).ConfigureAwait(false) : null;
        string connection = configured ?? azurite!.ConnectionString;
        string key = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        string hubName = $"demo{DateTime.UtcNow:MMddHHmmss}";
        var shared = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["Plant:TaskHub"] = hubName,
            ["Plant:ModelName"] = "codiesp-demo",
            ["Plant:Api:FunctionKeys"] = key,
            ["Plant:Device"] = settings.Device,
            ["Plant:Batches:NotesPerShard"] = "25",
            ["Plant:Batches:MarkerPollInterval"] = "00:00:01",
            ["Plant:Durable:MaxQueuePollingInterval"] = "00:00:00.250",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var app = PlantHost.Build([], services => services.AddPlantModel(), new PlantHostOptions
        {
            ReadLocalSettings = false,
            Overrides = new Dictionary<string, string?>(shared) { ["Plant:Roles"] = "api", ["urls"] = "http://127.0.0.1:0" },
        });
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var registry = app.Services.GetRequiredService<ModelRegistry>();
            var registered = await registry.RegisterAsync("codiesp-demo", "demo", new BinaryData(modelFile), new Dictionary<string, double>(), null, activate: true, cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLine($"storage: [bold]{(configured is null ? "private Azurite (npm dependency)" : "configured AzureWebJobsStorage")}[/], task hub [bold]{hubName}[/]; API host listening on [bold]{Markup.Escape(string.Join(", ", app.Urls))}[/]; model registered at models/{Markup.Escape(registered.Blob)}");

            // The workers share this machine: each gets its share of the cores (libtorch would otherwise give every process
            // a thread per core, and the oversubscribed processes slow each other down).
            var workerSettings = new Dictionary<string, string?>(shared)
            {
                ["Plant:Threads"] = Math.Max(1, Environment.ProcessorCount / settings.Workers).ToString(CultureInfo.InvariantCulture),
            };
            var workerProcesses = Enumerable.Range(1, settings.Workers).Select(i => DemoWorker.Start(workerSettings, i)).ToList();
            try
            {
                string batchId = $"demo-{DateTime.UtcNow:HHmmss}";
                var storage = app.Services.GetRequiredService<PlantStorage>();
                await UploadAsync(storage, batchId, heldOut, cancellationToken).ConfigureAwait(false);
                var api = new PlantApiClient(new HttpClient { BaseAddress = new Uri(app.Urls.First()) }, key);
                var batchClock = Stopwatch.StartNew();
                var status = await DemoBatch.RunAsync(api, batchId, workerProcesses, cancellationToken).ConfigureAwait(false);
                double seconds = batchClock.Elapsed.TotalSeconds;
                var results = await DemoBatch.ReadResultsAsync(storage, batchId, cancellationToken).ConfigureAwait(false);
                DemoReport.Print(status, results, heldOut, seconds, clock.Elapsed);
                return status == "Completed" ? 0 : 1;
            }
            finally
            {
                foreach (var worker in workerProcesses)
                {
                    worker.Dispose();
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static byte[] TrainOrReuse(DemoSettings settings, IReadOnlyList<ClinicalNote> train, CancellationToken cancellationToken)
    {
        if (File.Exists(settings.ModelPath))
        {
            AnsiConsole.MarkupLine($"model: reusing [bold]{Markup.Escape(settings.ModelPath)}[/] (delete it to train again)");
            return File.ReadAllBytes(settings.ModelPath);
        }

        AnsiConsole.MarkupLine($"model: training a [bold]{settings.Preset}[/] PLANT model on the sample (LM {settings.LanguageModelEpochs} epochs, classifier up to {settings.Epochs}); it is kept in {Markup.Escape(settings.ModelPath)}");
        var options = new TrainingOptions { Preset = settings.Preset, LanguageModelEpochs = settings.LanguageModelEpochs, ClassifierEpochs = settings.Epochs };
        var request = new TrainingRequest("codiesp-demo", train, null, null, IcdDescriptions.Load(SampleData.Icd10CmTables), options);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.ModelPath))!);
        var trainer = new PlantTrainer(PlantFunctions.Model.Runtime.TorchDevices.Resolve(settings.Device, ConsoleNotices.Instance), TimeProvider.System);
        string checkpoint = settings.ModelPath + ".ckpt";
        TrainingResult result;
        try
        {
            result = trainer.Train(request, new FileCheckpoints(checkpoint), new ConsoleTrainingProgress(), cancellationToken);
        }
        catch (Exception ex) when (ex is TrainingSettingsMismatchException or CorruptCheckpointException)
        {
            throw new InvalidOperationException($"'{checkpoint}', left by an interrupted demo: {ex.Message} (delete it to train afresh)", ex);
        }

        File.WriteAllBytes(settings.ModelPath, result.ModelFile);
        File.Delete(checkpoint);
        Console.WriteLine();
        return result.ModelFile;
    }

    private static string? ConfiguredStorage()
    {
        var builder = new ConfigurationBuilder();
        if (LocalSettingsConfiguration.Find() is { } file)
        {
            builder.AddLocalSettings(file);
        }

        string? value = builder.AddEnvironmentVariables().Build()[StorageAccount.ConnectionSetting];
        // The sample settings' UseDevelopmentStorage=true means "an emulator": the demo brings its own.
        return string.IsNullOrWhiteSpace(value) || value.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase) ? null : value;
    }

    private static async Task<AzuriteEmulator> StartAzuriteAsync(CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("storage: starting Azurite from the repository's npm dependency...");
        string? repository = typeof(DemoCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "PlantRepositoryRoot")?.Value;
        return await AzuriteEmulator.StartAsync(Directory.Exists(repository) ? repository : null, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task UploadAsync(PlantStorage storage, string batchId, IReadOnlyList<ClinicalNote> notes, CancellationToken cancellationToken)
    {
        var lines = new StringBuilder();
        foreach (var note in notes)
        {
            lines.Append(JsonSerializer.Serialize(new { id = note.Id, text = note.Text })).Append('\n');
        }

        await storage.Notes.GetBlobClient($"{batchId}/held-out.jsonl").UploadAsync(BinaryData.FromString(lines.ToString()), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    private sealed record DemoSettings(string ModelPath, int Workers, int Notes, string Preset, int LanguageModelEpochs, int Epochs, string Device);
}
