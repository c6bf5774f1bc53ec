using System.Diagnostics;
using System.Text;
using PlantFunctions.Testing.Fakes;

namespace PlantFunctions.Testing.Hosting;

/// <summary>
/// A real PlantFunctions host in its own process (tests/PlantFunctions.TestHost: the production host composition with
/// the model doubles), configured through environment variables, killable by its PID.
/// </summary>
public sealed class PlantProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private PlantProcess(Process process) => this.process = process;

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Where its HTTP endpoint listens.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Everything it printed so far (for failure messages).</summary>
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

    /// <summary>Starts the test host process and waits until it listens.</summary>
    public static async Task<PlantProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, FakeModelSettings model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(TestHostAssembly());
        foreach (var (key, value) in settings)
        {
            info.Environment[key == "urls" ? "ASPNETCORE_URLS" : key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in model.ToEnvironment())
        {
            info.Environment[key] = value;
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        var started = new PlantProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the test host"));
        started.process.OutputDataReceived += (_, e) => started.Append(e.Data);
        started.process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        started.process.BeginOutputReadLine();
        started.process.BeginErrorReadLine();
        await Poll.UntilAsync(() => Task.FromResult(started.Address is not null || started.HasExited), TimeSpan.FromSeconds(60),
            "the test host to listen", () => started.Output).ConfigureAwait(false);
        if (started.Address is null)
        {
            throw new InvalidOperationException($"the test host exited with code {started.process.ExitCode}:{Environment.NewLine}{started.Output}");
        }

        return started;
    }

    /// <summary>Kills the process (and its children) by PID and waits for it to be gone.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string TestHostAssembly()
    {
        // The test binaries live in tests/X/bin/{Configuration}/{tfm}/: the test host was built next to them.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = tfm.Parent!.Name;
        string path = Path.Combine(RepoPaths.Root, "tests", "PlantFunctions.TestHost", "bin", configuration, tfm.Name, "PlantFunctions.TestHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"test host not built: '{path}' (build tests/PlantFunctions.TestHost)", path);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        const string listening = "Now listening on: ";
        int at = line.IndexOf(listening, StringComparison.Ordinal);
        if (at >= 0 && Address is null)
        {
            Address = new Uri(line[(at + listening.Length)..].Trim());
        }
    }
}
