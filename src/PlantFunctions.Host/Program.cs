using PlantFunctions.Host;
using PlantFunctions.Pipeline.Hosting;

// The production host: the real model comes from the one registration hook (fails fast at start while it is missing).
var app = PlantHost.Build(args, services => services.AddPlantModel());
await app.RunAsync().ConfigureAwait(false);
