using System.Diagnostics;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// One worker host process (the production host, or another host assembly given on the command line), stopped by its
/// PID. Every line it prints is kept with the time it arrived (on the clock given), so shard starts and ends can be
/// timed from the log.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly Stopwatch clock;
    private readonly List<(TimeSpan At, string Line)> output = [];

    public WorkerProcess(string hostAssembly, IReadOnlyDictionary<string, string?> settings, Stopwatch? clock = null)
    {
        this.clock = clock ?? Stopwatch.StartNew();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(hostAssembly);
        foreach (var (key, value) in settings)
        {
            info.Environment[key.StartsWith("PLANT_", StringComparison.Ordinal) ? key : key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {hostAssembly}");
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The exit code, once it exited.</summary>
    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join(Environment.NewLine, output.TakeLast(40).Select(l => l.Line));
            }
        }
    }

    /// <summary>Every line so far with the time it arrived.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> Lines
    {
        get
        {
            lock (output)
            {
                return [.. output];
            }
        }
    }

    /// <summary>Kills the process by its PID (a worker that dies: its shard in flight waits for the visibility timeout).</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add((clock.Elapsed, line));
            }
        }
    }
}
