using System.Diagnostics;

namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>Runs another <c>plant</c> command (train, evaluate) as a child process of this one, its output shown as it comes.</summary>
internal static class PlantProcess
{
    public static async Task RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        // Started as `dotnet plant.dll`: the child needs the assembly; started as the apphost, it is the program itself.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(PlantProcess).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Console.WriteLine($"> plant {string.Join(' ', arguments)}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {host}");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"plant {arguments[0]} exited with code {process.ExitCode}: plant {string.Join(' ', arguments)}");
        }
    }
}
