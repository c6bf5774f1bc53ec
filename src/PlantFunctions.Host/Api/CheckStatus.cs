using PlantFunctions.Contracts.Instances;
using PlantFunctions.Pipeline.Storage;

namespace PlantFunctions.Host.Api;

/// <summary>
/// What the local starters answer, shaped as Durable Functions' <c>CreateCheckStatusResponse</c>: 202, <c>Location</c>
/// = the status URL, and the instance's management URLs under <c>/runtime/webhooks/durabletask/instances/{id}</c> with
/// <c>taskHub</c>, <c>connection</c> and the caller's key as <c>code</c>.
/// </summary>
internal static class CheckStatus
{
    /// <summary>The 202 answer for a started instance.</summary>
    public static IResult Accepted(HttpContext context, string instanceId)
    {
        var payload = For(context, instanceId);
        context.Response.Headers.Location = payload.StatusQueryGetUri;
        return Results.Json(payload, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The management URLs of <paramref name="instanceId"/>.</summary>
    public static CheckStatusPayload For(HttpContext context, string instanceId)
    {
        var request = context.Request;
        string hub = context.RequestServices.GetRequiredService<PlantStorage>().TaskHub;
        string key = context.Items[FunctionKeyMiddleware.KeyItem] as string ?? "";
        string instance = $"{request.Scheme}://{request.Host}{request.PathBase}/runtime/webhooks/durabletask/instances/{Uri.EscapeDataString(instanceId)}";
        string query = $"taskHub={Uri.EscapeDataString(hub)}&connection=Storage&code={Uri.EscapeDataString(key)}";
        return new CheckStatusPayload
        {
            Id = instanceId,
            StatusQueryGetUri = $"{instance}?{query}",
            SendEventPostUri = $"{instance}/raiseEvent/{{eventName}}?{query}",
            TerminatePostUri = $"{instance}/terminate?reason={{text}}&{query}",
            PurgeHistoryDeleteUri = $"{instance}?{query}",
            SuspendPostUri = $"{instance}/suspend?reason={{text}}&{query}",
            ResumePostUri = $"{instance}/resume?reason={{text}}&{query}",
        };
    }

    /// <summary>The status answer: 202 while the instance runs, 200 once it finished (Durable Functions' codes).</summary>
    public static IResult Status(InstanceStatus status) =>
        Results.Json(status, statusCode: status.RuntimeStatus.IsTerminal() ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
}
