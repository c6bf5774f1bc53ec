using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using PlantFunctions.Host.Api;
using PlantFunctions.Host.Health;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Hosting;

namespace PlantFunctions.Host;

/// <summary>
/// Builds the PlantFunctions host: the pipeline's role loops and, for the <c>api</c> role, the HTTP API. The model
/// implementations come from <paramref name="addModel"/> — production passes <see cref="PlantModelRegistration.AddPlantModel"/>,
/// tests pass their deterministic doubles. Configuration: local.settings.json (Values; Host:LocalHttpPort gives the
/// default URL http://localhost:{port}), then the usual ASP.NET Core sources (appsettings, environment variables,
/// command line), then <see cref="PlantHostOptions.Overrides"/>.
/// </summary>
public static class PlantHost
{
    /// <summary>The default local port, as the Azure Functions host uses.</summary>
    public const int DefaultLocalHttpPort = 7071;

    /// <summary>Builds the web application; run it with <c>RunAsync</c>.</summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection> addModel, PlantHostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(addModel);
        options ??= new PlantHostOptions();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        int? localPort = null;
        if (options.ReadLocalSettings && LocalSettingsConfiguration.Find(options.LocalSettingsSearchFrom) is { } localSettings)
        {
            builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LocalSettingsConfiguration.Read(localSettings) });
            localPort = ReadLocalHttpPort(localSettings);
        }

        if (options.Overrides is { Count: > 0 })
        {
            builder.Configuration.AddInMemoryCollection(options.Overrides);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
            && string.IsNullOrEmpty(builder.Configuration["https_ports"]))
        {
            builder.WebHost.UseUrls($"http://localhost:{localPort ?? DefaultLocalHttpPort}");
        }

        builder.Services.AddPlantPipeline(builder.Configuration);
        addModel(builder.Services);
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate<IOptions<PlantOptions>>((api, plant) => !plant.Value.ParsedRoles.HasFlag(PlantRoles.Api) || api.Keys.Count > 0,
                "Plant:Api:FunctionKeys is empty: every API route needs a key; set one or more keys separated by ';'")
            .ValidateOnStart();
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<ModelHealthCheck>("model", tags: ["ready"]);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // Container Apps' ingress terminates TLS and forwards: status URLs must carry the public scheme and host.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
        });

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseMiddleware<FunctionKeyMiddleware>();
        app.MapHealthEndpoints();
        var plant = app.Services.GetRequiredService<IOptions<PlantOptions>>().Value;
        if (plant.ParsedRoles.HasFlag(PlantRoles.Api))
        {
            app.MapBatchEndpoints();
            app.MapTrainingEndpoints();
            app.MapModelEndpoints();
        }

        return app;
    }

    private static int? ReadLocalHttpPort(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty("LocalHttpPort", out var port) && port.TryGetInt32(out int value)
            ? value
            : null;
    }
}
