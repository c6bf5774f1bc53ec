using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PlantFunctions.Benchmarks;

/// <summary>What the numbers were measured on, and process memory readings.</summary>
internal static class Machine
{
    public static string Describe() =>
        $"# {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
        $"{(Debugger.IsAttached ? "debugger" : "no debugger")}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC";

    /// <summary>Peak resident set size of this process so far (VmHWM), in MB; falls back to the peak working set.</summary>
    public static double PeakResidentMegabytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return double.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
                }
            }
        }

        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }

    /// <summary>Current resident set size (VmRSS) in MB.</summary>
    public static double ResidentMegabytes()
    {
        const string status = "/proc/self/status";
        foreach (string line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }
        }

        return 0;
    }
}
