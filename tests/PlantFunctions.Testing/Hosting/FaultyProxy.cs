using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PlantFunctions.Testing.Hosting;

/// <summary>
/// A real HTTP proxy in front of one storage endpoint (Azurite's blob service, say) that answers 503 Server Busy, as
/// Azure Storage does under load (or another status), to the requests it is told to fail while a fault window is open;
/// everything else is forwarded as is (signatures stay valid: the path, query and headers are unchanged).
/// <see cref="ResetFor"/> drops the connections of the requests it selects instead, as a network that is down does. It
/// can also count the requests of a kind.
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient forward = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
    private readonly Uri target;
    private Func<HttpRequest, bool> fails = _ => false;
    private DateTimeOffset until = DateTimeOffset.MinValue;
    private bool reset;
    private int faults;
    private int status = (int)HttpStatusCode.ServiceUnavailable;
    private Func<HttpRequest, bool>? counted;
    private int seen;

    private FaultyProxy(Uri target)
    {
        this.target = target;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        app = builder.Build();
        app.Run(HandleAsync);
    }

    /// <summary>Where clients should connect instead of the target.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Requests answered with 503 so far.</summary>
    public int Faults => Volatile.Read(ref faults);

    /// <summary>Starts a proxy in front of <paramref name="target"/> (scheme, host and port).</summary>
    public static async Task<FaultyProxy> StartAsync(Uri target)
    {
        var proxy = new FaultyProxy(target);
        await proxy.app.StartAsync().ConfigureAwait(false);
        proxy.Address = new Uri(proxy.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    /// <summary>Requests the <see cref="Count"/> predicate selected since it was set.</summary>
    public int Counted => Volatile.Read(ref seen);

    /// <summary>
    /// Fails the requests <paramref name="which"/> selects for <paramref name="duration"/> from now, with 503 Server Busy
    /// (which clients retry), or with <paramref name="statusCode"/> (403, say, which they do not).
    /// </summary>
    public void FailFor(TimeSpan duration, Func<HttpRequest, bool> which, HttpStatusCode statusCode = HttpStatusCode.ServiceUnavailable)
    {
        reset = false;
        status = (int)statusCode;
        fails = which;
        until = DateTimeOffset.UtcNow + duration;
    }

    /// <summary>Resets the connection of each request <paramref name="which"/> selects, without an answer, for <paramref name="duration"/> from now.</summary>
    public void ResetFor(TimeSpan duration, Func<HttpRequest, bool> which)
    {
        reset = true;
        fails = which;
        until = DateTimeOffset.UtcNow + duration;
    }

    /// <summary>Whether the fault window is still open.</summary>
    public bool Failing => DateTimeOffset.UtcNow < until;

    /// <summary>Counts the requests <paramref name="which"/> selects from now on (<see cref="Counted"/>).</summary>
    public void Count(Func<HttpRequest, bool> which)
    {
        Interlocked.Exchange(ref seen, 0);
        counted = which;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        forward.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (counted is { } count && count(request))
        {
            Interlocked.Increment(ref seen);
        }

        if (DateTimeOffset.UtcNow < until && fails(request))
        {
            Interlocked.Increment(ref faults);
            if (reset)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = status;
            context.Response.Headers["x-ms-error-code"] = status == (int)HttpStatusCode.ServiceUnavailable ? "ServerBusy" : "AuthorizationFailure";
            return;
        }

        var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(target, request.Path.Value + request.QueryString.Value));
        // An empty body with a Content-Type (an empty blob's PUT) keeps its content headers: the signature covers them.
        if (request.ContentLength is not null || request.ContentType is not null || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            outgoing.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!outgoing.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        using var response = await forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
