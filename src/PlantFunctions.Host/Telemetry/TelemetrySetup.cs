using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Host.Telemetry;

/// <summary>
/// OpenTelemetry for the local host: the service's spans and metrics (<see cref="PlantTelemetry"/>: batches, shards,
/// notes coded and failed, coding time, model loads, training slices), exported to Azure Monitor when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is; with
/// neither, nothing is collected. Only the service's own sources: the engine polls its queues all the time, and an
/// HTTP span per poll would drown the batch's spans (and, with Azure Monitor's default rate limit, push them out).
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>The setting that turns on the Azure Monitor exporter.</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The setting that turns on the OTLP exporter.</summary>
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddPlantTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]) && string.IsNullOrWhiteSpace(configuration[OtlpSetting]))
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("plantfunctions"))
            .WithTracing(tracing => tracing.AddSource(PlantTelemetry.Name).SetSampler(new AlwaysOnSampler()))
            .WithMetrics(metrics => metrics.AddMeter(PlantTelemetry.Name));
        if (!string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]))
        {
            // The exporter's default sampler (since 1.5) keeps 5 traces/s and replaces ours: a batch's shard spans would be
            // dropped at random. One span per shard is little, so every span is kept.
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = configuration[AzureMonitorSetting];
                options.SamplingRatio = 1.0f;
                options.TracesPerSecond = null;
            });
        }

        if (!string.IsNullOrWhiteSpace(configuration[OtlpSetting]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
