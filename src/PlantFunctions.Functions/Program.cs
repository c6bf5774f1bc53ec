using Azure.Core.Serialization;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PlantFunctions.Contracts;
using PlantFunctions.Pipeline.Hosting;
using PlantFunctions.Pipeline.Telemetry;

// The isolated Functions worker: the pipeline's services, the PLANT model, one JSON shape for bindings and the
// orchestrations' data, OpenTelemetry to Azure Monitor when the app has a connection string.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddPlantPipeline(builder.Configuration);
builder.Services.AddPlantModel();
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(PlantJson.Options));
var telemetry = builder.Services.AddOpenTelemetry()
    .UseFunctionsWorkerDefaults()
    .WithTracing(tracing => tracing.AddSource(PlantTelemetry.Name))
    .WithMetrics(metrics => metrics.AddMeter(PlantTelemetry.Name));
if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    // Every span (one per shard): the exporter's default since 1.5 keeps 5 traces/s and replaces the sampler.
    telemetry.UseAzureMonitorExporter(options =>
    {
        options.SamplingRatio = 1.0f;
        options.TracesPerSecond = null;
    });
}

builder.Build().Run();
