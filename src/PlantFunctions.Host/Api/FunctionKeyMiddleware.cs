using Microsoft.Extensions.Options;

namespace PlantFunctions.Host.Api;

/// <summary>
/// Function-key authorisation as Azure Functions does it: every <c>/api</c> route except <c>/api/health</c> needs a key
/// in the <c>x-functions-key</c> header or the <c>code</c> query parameter. A missing or wrong key gets 401 with no body.
/// </summary>
internal sealed class FunctionKeyMiddleware(RequestDelegate next, IOptionsMonitor<ApiOptions> options)
{
    /// <summary>Where the accepted key is kept for building status URLs.</summary>
    public const string KeyItem = "plant.functionKey";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api/health", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        string? key = context.Request.Headers["x-functions-key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            key = context.Request.Query["code"].FirstOrDefault();
        }

        if (!options.CurrentValue.Accepts(key))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        context.Items[KeyItem] = key;
        return next(context);
    }
}
