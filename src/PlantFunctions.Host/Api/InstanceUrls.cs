namespace PlantFunctions.Host.Api;

/// <summary>The management URLs of an instance, as Durable Functions' <c>CreateCheckStatusResponse</c> returns them (with <c>?code=</c>).</summary>
/// <param name="Id">Instance id.</param>
/// <param name="StatusQueryGetUri">GET: status.</param>
/// <param name="TerminatePostUri">POST: terminate (replace <c>{text}</c> with a reason).</param>
/// <param name="PurgeHistoryDeleteUri">DELETE: purge a finished instance's state.</param>
public sealed record InstanceUrls(string Id, string StatusQueryGetUri, string TerminatePostUri, string PurgeHistoryDeleteUri)
{
    /// <summary>The URLs of <paramref name="id"/> under <c>/api/{collection}</c>, carrying the caller's key.</summary>
    public static InstanceUrls For(HttpContext context, string collection, string id)
    {
        var request = context.Request;
        string key = context.Items[FunctionKeyMiddleware.KeyItem] as string ?? "";
        string instance = $"{request.Scheme}://{request.Host}{request.PathBase}/api/{collection}/{Uri.EscapeDataString(id)}";
        string code = "code=" + Uri.EscapeDataString(key);
        return new InstanceUrls(id, $"{instance}?{code}", $"{instance}/terminate?reason={{text}}&{code}", $"{instance}?{code}");
    }
}
