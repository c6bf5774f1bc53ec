using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PlantFunctions.Pipeline.Storage;

/// <summary>
/// A private Azurite (Azure Storage emulator) process: started from the repository's npm dependency
/// (<c>node_modules/.bin/azurite</c>, installed with <c>npm ci</c> when missing) on free loopback ports with a data
/// folder, ready when all three endpoints answer, stopped by its own PID.
/// </summary>
public sealed class AzuriteEmulator : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public; it only works against the emulator).</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process process;
    private readonly bool ownsDataFolder;

    private AzuriteEmulator(Process process, string dataFolder, bool ownsDataFolder, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        this.ownsDataFolder = ownsDataFolder;
        DataFolder = dataFolder;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>The emulator's process id.</summary>
    public int ProcessId => process.Id;

    /// <summary>Where the emulator keeps its data.</summary>
    public string DataFolder { get; }

    /// <summary>Blob endpoint port.</summary>
    public int BlobPort { get; }

    /// <summary>Queue endpoint port.</summary>
    public int QueuePort { get; }

    /// <summary>Table endpoint port.</summary>
    public int TablePort { get; }

    /// <summary>A connection string for the three endpoints.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + DevelopmentAccountKey + ";" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>
    /// Starts Azurite. <paramref name="dataFolder"/> defaults to a new temp folder (deleted on dispose); ports default to
    /// free ones. <paramref name="searchFrom"/> is where to start looking upwards for <c>node_modules</c>.
    /// </summary>
    public static async Task<AzuriteEmulator> StartAsync(string? searchFrom = null, string? dataFolder = null,
        (int Blob, int Queue, int Table)? ports = null, CancellationToken cancellationToken = default)
    {
        string executable = await AzuriteInstall.LocateOrInstallAsync(searchFrom, cancellationToken).ConfigureAwait(false);
        bool owns = dataFolder is null;
        dataFolder ??= Directory.CreateTempSubdirectory("plant-azurite-").FullName;
        Directory.CreateDirectory(dataFolder);
        for (int attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = ports ?? (FreePort(), FreePort(), FreePort());
            var process = Process.Start(StartInfo(executable, dataFolder, blob, queue, table))
                          ?? throw new InvalidOperationException($"could not start '{executable}'");
            var emulator = new AzuriteEmulator(process, dataFolder, owns, blob, queue, table);
            try
            {
                await emulator.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
                return emulator;
            }
            catch (InvalidOperationException) when (attempt < 3 && ports is null)
            {
                // A port picked as free was taken by someone else before Azurite bound it: try other ports.
                await emulator.StopAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops the process it started and removes a temp data folder.</summary>
    public async Task StopAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        if (ownsDataFolder)
        {
            try
            {
                Directory.Delete(DataFolder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp folder left behind is harmless.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static ProcessStartInfo StartInfo(string executable, string dataFolder, int blob, int queue, int table)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--location", dataFolder,
                     "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before it was ready: {output}");
            }

            if (await AnswersAsync(http, BlobPort).ConfigureAwait(false) && await AnswersAsync(http, QueuePort).ConfigureAwait(false)
                && await AnswersAsync(http, TablePort).ConfigureAwait(false))
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new InvalidOperationException($"Azurite did not answer on ports {BlobPort}/{QueuePort}/{TablePort} within {timeout}: {output}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, int port)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/devstoreaccount1?comp=properties")).ConfigureAwait(false);
            return true; // Any HTTP answer (even 4xx) means the endpoint is up.
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
