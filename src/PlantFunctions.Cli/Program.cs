using System.CommandLine;
using PlantFunctions.Cli.Commands;
using PlantFunctions.Cli.Commands.Experiments;

var root = new RootCommand("plant: ICD coding of clinical notes with PLANT (planted attention), in batch, on Azure Storage or Azurite.")
{
    CorpusCommands.Stats(),
    PriorsCommand.Create(),
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    ExperimentCommand.Create(),
    CodeCommand.Create(),
    ServeCommand.Create(),
    SubmitCommand.Create(),
    RegisterCommand.Create(),
    InitStorageCommand.Create(),
    DemoCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
