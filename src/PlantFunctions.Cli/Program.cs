using System.CommandLine;
using PlantFunctions.Cli.Commands;
using PlantFunctions.Cli.Commands.Experiments;

var root = new RootCommand("plant: ICD coding of clinical notes with PLANT (planted attention), in batch, on Azure Storage or Azurite.")
{
    CorpusCommands.Stats(),
    PriorsCommand.Create(),
    TrainCommand.Create(),
    ExtendCommand.Create(),
    EvaluateCommand.Create(),
    ExperimentCommand.Create(),
    CodeCommand.Create(),
    ServeCommand.Create(),
    SubmitCommand.Create(),
    RegisterCommand.Create(),
    InitStorageCommand.Create(),
    DemoCommand.Create(),
};

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
}
catch (Exception ex) when (ex is CommandInputException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
    or UnauthorizedAccessException or PlantFunctions.Model.Notes.NoteFormatException or PlantFunctions.Model.Training.CorruptCheckpointException)
{
    // Bad input, named by the message: no stack trace, which would bury it.
    await Console.Error.WriteLineAsync($"plant: {ex.Message}").ConfigureAwait(false);
    return 1;
}
catch (Exception ex)
{
    // What System.CommandLine's default handler did: the whole exception, except for a cancellation.
    if (ex is not OperationCanceledException)
    {
        await Console.Error.WriteLineAsync($"Unhandled exception: {ex}").ConfigureAwait(false);
    }

    return 1;
}
