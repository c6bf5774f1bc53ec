using System.Collections.Specialized;
using System.Net;
using System.Security.Claims;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PlantFunctions.Functions.Tests;

/// <summary>
/// Just enough of the isolated worker's HTTP types to call an HTTP function's body without the Functions host: a
/// request with a URL, method, body and query; a response that keeps what the function wrote; a function context whose
/// services give Durable's <c>CreateCheckStatusResponseAsync</c> a JSON serializer with camelCase names, as the isolated
/// worker's default one.
/// </summary>
internal sealed class TestFunctionContext : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId { get; } = "test";

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => throw new NotSupportedException();

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = new ServiceCollection()
        .Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))
        .BuildServiceProvider();

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();
}

/// <summary>A request to an HTTP function.</summary>
internal sealed class TestHttpRequestData(string method, Uri url, string? body = null) : HttpRequestData(new TestFunctionContext())
{
    public override Stream Body { get; } = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body ?? ""));

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; } = url;

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; } = method;

    public override NameValueCollection Query { get; } = System.Web.HttpUtility.ParseQueryString(url.Query);

    public override HttpResponseData CreateResponse() => new TestHttpResponseData(FunctionContext);
}

/// <summary>What an HTTP function answered.</summary>
internal sealed class TestHttpResponseData(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException();

    /// <summary>The body as text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());
}
