using System.Net;
using System.Security.Claims;
using System.Text;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Contracts;

namespace PlantFunctions.Functions.Tests.Support;

/// <summary>
/// An invocation's context as the isolated worker gives it to a function, for running function bodies without the
/// Functions host (which cannot be installed here): the services the worker's JSON serializer comes from.
/// </summary>
internal sealed class TestFunctionContext : FunctionContext
{
    public TestFunctionContext(IServiceProvider? services = null) =>
        InstanceServices = services ?? new ServiceCollection().Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(PlantJson.Options)).BuildServiceProvider();

    public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

    public override string FunctionId { get; } = "test";

    public override TraceContext TraceContext => null!;

    public override BindingContext BindingContext => null!;

    public override RetryContext RetryContext => null!;

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition => null!;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => null!;
}

/// <summary>An HTTP request as a function receives it.</summary>
internal sealed class TestHttpRequest(FunctionContext context, string method, Uri url, string? body = null) : HttpRequestData(context)
{
    public override Stream Body { get; } = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; } = url;

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; } = method;

    public override HttpResponseData CreateResponse() => new TestHttpResponse(FunctionContext);
}

/// <summary>A function's HTTP answer.</summary>
internal sealed class TestHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException();

    /// <summary>The body as text.</summary>
    public string Text() => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());
}
