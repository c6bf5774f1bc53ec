using System.Text.Json;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using PlantFunctions.Contracts;
using PlantFunctions.Host.Api;
using PlantFunctions.Host.Background;
using PlantFunctions.Host.Durable;
using PlantFunctions.Host.Health;
using PlantFunctions.Host.Telemetry;
using PlantFunctions.Pipeline.Configuration;
using PlantFunctions.Pipeline.Hosting;

namespace PlantFunctions.Host;

/// <summary>
/// Builds the local host: the Durable Task engine (DTFx over Azure Storage) with the pipeline's orchestrations and
/// activities for the <c>worker</c> role, and for the <c>api</c> role the HTTP API (the Functions app's routes and
/// Durable's management webhooks), the ready-marker watcher and the close-out sweep. The model implementations come
/// from <paramref name="addModel"/>: production passes <see cref="PlantModelRegistration.AddPlantModel"/>, tests their
/// deterministic doubles. Configuration: local.settings.json (Values; Host:LocalHttpPort gives the default URL), then
/// appsettings, environment variables and the command line, then <see cref="PlantHostOptions.Overrides"/>.
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

        // ASP.NET Core logs every request's URL at Information, and status URLs carry the key as ?code=: keep those out.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        var roles = PlantRolesParser.TryParse(builder.Configuration["Plant:Roles"] ?? new LocalHostOptions().Roles, out var parsed, out _) ? parsed : PlantRoles.None;
        builder.Services.AddOptions<LocalHostOptions>().Bind(builder.Configuration.GetSection(LocalHostOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<ModelRegistrationCheck>();
        builder.Services.AddPlantPipeline(builder.Configuration);
        addModel(builder.Services);
        builder.Services.AddDurableEngine(builder.Configuration, runTasks: roles.HasFlag(PlantRoles.Worker));
        builder.Services.AddPlantTelemetry(builder.Configuration);
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName))
            .Validate(api => !roles.HasFlag(PlantRoles.Api) || api.Keys.Count > 0,
                "Plant:Api:FunctionKeys is empty: every API route needs a key; set one or more keys separated by ';'")
            .Validate(api => api.TryParseProxies(out _, out _, out _), "Plant:Api:TrustedProxies must be IP addresses or CIDR ranges separated by ';'")
            .ValidateOnStart();
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<ModelHealthCheck>("model", tags: ["ready"]);
        builder.Services.ConfigureHttpJsonOptions(json => Configure(json.SerializerOptions));
        // Container Apps' ingress (or any proxy) terminates TLS and forwards: status URLs must carry the public scheme and
        // host, but only when the headers come from a proxy we were told about (with none, the middleware believes anyone).
        var proxies = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
        bool forwarding = proxies.TryParseProxies(out var addresses, out var networks, out _) && addresses.Count + networks.Count > 0;
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            addresses.ForEach(forwarded.KnownProxies.Add);
            networks.ForEach(forwarded.KnownIPNetworks.Add);
        });
        builder.Services.AddHostedService<ReadyMarkerWatcher>();
        builder.Services.AddHostedService<CloseOutSweeper>();

        var app = builder.Build();
        if (forwarding)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<FunctionKeyMiddleware>();
        app.MapHealthEndpoints();
        if (roles.HasFlag(PlantRoles.Api))
        {
            app.MapBatchEndpoints();
            app.MapTrainingEndpoints();
            app.MapModelEndpoints();
            app.MapWebhookEndpoints();
        }

        return app;
    }

    private static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = PlantJson.Options.PropertyNamingPolicy;
        options.DefaultIgnoreCondition = PlantJson.Options.DefaultIgnoreCondition;
        foreach (var converter in PlantJson.Options.Converters)
        {
            options.Converters.Add(converter);
        }
    }

    private static int? ReadLocalHttpPort(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty("LocalHttpPort", out var port) && port.TryGetInt32(out int value)
            ? value
            : null;
    }
}
