using System.Diagnostics;
using System.Text;

namespace PlantFunctions.Cli.Commands;

/// <summary>A worker process of the demo: this same program running <c>plant serve --roles worker</c>.</summary>
internal sealed class DemoWorker : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private DemoWorker(Process process, int number)
    {
        this.process = process;
        Number = number;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>1-based worker number.</summary>
    public int Number { get; }

    /// <summary>The worker's process id.</summary>
    public int ProcessId => process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The worker's recent console output (for error messages).</summary>
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

    /// <summary>Starts a worker with the given settings (passed as environment variables, which override any file).</summary>
    public static DemoWorker Start(IReadOnlyDictionary<string, string?> settings, int number)
    {
        string program = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path to start workers");
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (Path.GetFileNameWithoutExtension(program).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(DemoWorker).Assembly.Location);
        }

        foreach (string argument in new[] { "serve", "--roles", "worker", "--urls", "http://127.0.0.1:0" })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["Plant__Workers__Count"] = "1";
        return new DemoWorker(Process.Start(info) ?? throw new InvalidOperationException("could not start a worker process"), number);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
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
            if (output.Length > 20_000)
            {
                output.Remove(0, output.Length - 20_000);
            }
        }
    }
}
