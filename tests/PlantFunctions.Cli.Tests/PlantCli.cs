using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Cli.Tests;

/// <summary>Runs the built <c>plant</c> executable in a folder with its own local.settings.json.</summary>
internal sealed class PlantCli : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private PlantCli(Process process) => this.process = process;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>A temp folder with a local.settings.json holding <paramref name="values"/> (and Host:LocalHttpPort when given).</summary>
    public static string FolderWithLocalSettings(IReadOnlyDictionary<string, string?> values, int? localHttpPort = null)
    {
        string folder = Directory.CreateTempSubdirectory("plant-cli-").FullName;
        var document = new Dictionary<string, object>
        {
            ["IsEncrypted"] = false,
            ["Values"] = values.Where(v => v.Key != "urls").ToDictionary(v => v.Key.Replace(":", "__", StringComparison.Ordinal), v => v.Value),
        };
        if (localHttpPort is not null)
        {
            document["Host"] = new { LocalHttpPort = localHttpPort };
        }

        File.WriteAllText(Path.Combine(folder, "local.settings.json"), JsonSerializer.Serialize(document));
        return folder;
    }

    public static PlantCli Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(PlantAssembly());
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["COLUMNS"] = "200";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var cli = new PlantCli(Process.Start(info)!);
        cli.process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        cli.process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        cli.process.BeginOutputReadLine();
        cli.process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>A free loopback port (for a <c>plant serve</c> to listen on).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="url"/> answers 200 (this process, a <c>plant serve</c>, must keep running meanwhile).</summary>
    public async Task WaitUntilAnswersAsync(string url, TimeSpan timeout, string what)
    {
        using var http = new HttpClient();
        await Poll.UntilAsync(async () =>
        {
            Assert.False(HasExited, Output);
            try
            {
                using var response = await http.GetAsync(new Uri(url));
                return response.StatusCode == System.Net.HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, timeout, what, () => Output);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"plant did not exit within {timeout}:{Environment.NewLine}{Output}");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static string PlantAssembly()
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string path = Path.Combine(RepoPaths.Root, "src", "PlantFunctions.Cli", "bin", tfm.Parent!.Name, tfm.Name, "plant.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"plant not built: '{path}'", path);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
