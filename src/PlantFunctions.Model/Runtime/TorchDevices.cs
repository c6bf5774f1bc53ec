using Microsoft.Extensions.Logging;
using TorchSharp;

namespace PlantFunctions.Model.Runtime;

/// <summary>Turns the <c>Plant:Device</c> setting (<c>cpu</c>, <c>cuda</c>, <c>auto</c>) into a torch device.</summary>
public static partial class TorchDevices
{
    /// <summary>The accepted setting values.</summary>
    public static readonly IReadOnlyList<string> Choices = ["cpu", "cuda", "auto"];

    /// <summary>
    /// Resolves the setting: <c>cuda</c> fails clearly when no CUDA device is usable; <c>auto</c> takes CUDA when it is
    /// usable and otherwise falls back to the CPU with a log line.
    /// </summary>
    public static torch.Device Resolve(string? setting, ILogger? logger = null)
    {
        TorchRuntime.EnsureLoaded();
        string choice = (setting ?? "auto").Trim().ToLowerInvariant();
        switch (choice)
        {
            case "cpu":
                return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                {
                    throw new InvalidOperationException(
                        "Plant:Device is 'cuda' but no CUDA device is usable: this build has the CPU libtorch " +
                        "(build with -p:PlantTorchBackend=cuda) or the machine has no NVIDIA GPU/driver. Use 'auto' or 'cpu'.");
                }

                return torch.CUDA;
            case "auto":
                if (torch.cuda.is_available())
                {
                    return torch.CUDA;
                }

                if (logger is not null)
                {
                    LogCpuFallback(logger);
                }

                return torch.CPU;
            default:
                throw new ArgumentException($"Plant:Device must be one of cpu, cuda, auto; got '{setting}'", nameof(setting));
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Plant:Device is 'auto' and no CUDA device is usable; running on the CPU")]
    private static partial void LogCpuFallback(ILogger logger);
}
