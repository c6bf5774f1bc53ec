using Microsoft.Extensions.Logging;

namespace PlantFunctions.Cli.Commands;

/// <summary>
/// A logger for the model layer's one-off notices in CLI commands (for example "Plant:Device is 'auto' and no CUDA
/// device is usable; running on the CPU"): information and above go to standard error, so piped output stays clean.
/// </summary>
internal sealed class ConsoleNotices : ILogger
{
    public static readonly ConsoleNotices Instance = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"{(logLevel >= LogLevel.Warning ? "warning" : "note")}: {formatter(state, exception)}");
        }
    }
}
