using PlantFunctions.Host;
using PlantFunctions.Testing.Fakes;

// The production host composition with the model doubles; everything else comes from environment variables.
var model = FakeModelSettings.FromEnvironment();
var app = PlantHost.Build(args, services => services.AddFakeModel(model), new PlantHostOptions { ReadLocalSettings = false });
await app.RunAsync().ConfigureAwait(false);
