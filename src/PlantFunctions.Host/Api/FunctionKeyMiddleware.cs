using Microsoft.Extensions.Options;

namespace PlantFunctions.Host.Api;

/// <summary>
/// Function-key authorisation as Azure Functions does it: every route under <c>/api</c> and <c>/runtime/webhooks</c>
/// needs a key in the <c>x-functions-key</c> header or the <c>code</c> query parameter, except the anonymous health
/// endpoints (which show details only to a caller with a key). A missing or wrong key gets 401 with no body.
/// </summary>
internal sealed class FunctionKeyMiddleware(RequestDelegate next, IOptionsMonitor<ApiOptions> options)
{
    /// <summary>Where the accepted key is kept for building status URLs.</summary>
    public const string KeyItem = "plant.functionKey";

    public Task InvokeAsync(HttpContext context)
    {
        string? key = context.Request.Headers["x-functions-key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            key = context.Request.Query["code"].FirstOrDefault();
        }

        bool accepted = options.CurrentValue.Accepts(key);
        if (accepted)
        {
            context.Items[KeyItem] = key;
        }

        if (accepted || context.Request.Path.StartsWithSegments("/api/health", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
