using System.Diagnostics;

namespace PlantFunctions.Benchmarks;

/// <summary>One worker host process (the production host, or another host assembly given on the command line), stopped by its PID.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    public WorkerProcess(string hostAssembly, IReadOnlyDictionary<string, string?> settings)
    {
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
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {hostAssembly}");
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join(Environment.NewLine, output.TakeLast(40));
            }
        }
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

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }
}
