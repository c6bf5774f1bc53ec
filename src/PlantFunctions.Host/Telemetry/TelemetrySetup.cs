using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PlantFunctions.Pipeline.Telemetry;

namespace PlantFunctions.Host.Telemetry;

/// <summary>
/// OpenTelemetry for the local host: the service's spans and metrics (<see cref="PlantTelemetry"/>), the Durable Task
/// engine's spans and ASP.NET Core's, exported to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set
/// and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is; with neither, they are collected and dropped.
/// </summary>
internal static class TelemetrySetup
{
    /// <summary>The setting that turns on the Azure Monitor exporter.</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The setting that turns on the OTLP exporter.</summary>
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddPlantTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("plantfunctions"))
            .WithTracing(tracing => tracing.AddSource(PlantTelemetry.Name, "DurableTask.Core"))
            .WithMetrics(metrics => metrics.AddMeter(PlantTelemetry.Name));
        if (!string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]))
        {
            telemetry.UseAzureMonitor(options => options.ConnectionString = configuration[AzureMonitorSetting]);
        }

        if (!string.IsNullOrWhiteSpace(configuration[OtlpSetting]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
