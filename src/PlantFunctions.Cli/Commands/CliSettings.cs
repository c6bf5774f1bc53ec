using Microsoft.Extensions.Configuration;
using PlantFunctions.Contracts.Client;
using PlantFunctions.Pipeline.Configuration;

namespace PlantFunctions.Cli.Commands;

/// <summary>The configuration the CLI commands read: local.settings.json (working directory or a parent), then environment variables.</summary>
internal static class CliSettings
{
    /// <summary>The merged configuration and the local.settings.json it used, if any.</summary>
    public static (IConfiguration Configuration, string? LocalSettings) Load()
    {
        string? path = LocalSettingsConfiguration.Find();
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            builder.AddLocalSettings(path);
        }

        return (builder.AddEnvironmentVariables().Build(), path);
    }

    /// <summary>
    /// A client of the service's API: <paramref name="apiUrl"/> or <see cref="DefaultApiUrl"/>, authenticated with
    /// <paramref name="functionKey"/> or the first of <c>Plant:Api:FunctionKeys</c>. The same client drives the local
    /// host and the Azure Functions app.
    /// </summary>
    public static PlantApiClient ApiClient(IConfiguration configuration, string? localSettings, string? apiUrl, string? functionKey, TimeSpan? timeout = null)
    {
        string baseUrl = (apiUrl ?? DefaultApiUrl(localSettings)).TrimEnd('/');
        string? key = functionKey ?? configuration["Plant:Api:FunctionKeys"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
        if (timeout is { } limit)
        {
            http.Timeout = limit;
        }

        return new PlantApiClient(http, key);
    }

    /// <summary>The API's base URL when none is given: http://localhost:{Host.LocalHttpPort of local.settings.json, else 7071}.</summary>
    public static string DefaultApiUrl(string? localSettings)
    {
        int port = PlantFunctions.Host.PlantHost.DefaultLocalHttpPort;
        if (localSettings is not null)
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(localSettings),
                new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty("LocalHttpPort", out var value) && value.TryGetInt32(out int configured))
            {
                port = configured;
            }
        }

        return $"http://localhost:{port}";
    }
}
