using Microsoft.Extensions.Logging;
using PlantFunctions.Model.Runtime;
using TorchSharp;

namespace PlantFunctions.Model.Tests.Runtime;

[Collection(TorchCollection.Name)]
public sealed class TorchDevicesTests
{
    [Fact]
    public void Resolve_AutoWithoutCuda_FallsBackToCpuWithALogLine()
    {
        var logger = new ListLogger();

        var device = TorchDevices.Resolve("auto", logger);

        Assert.Equal(DeviceType.CPU, device.type);
        Assert.Contains(logger.Messages, m => m.Contains("running on the CPU", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_CudaWithoutCuda_FailsWithWhatToDo()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TorchDevices.Resolve("cuda"));

        Assert.Contains("PlantTorchBackend=cuda", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    public void Resolve_UnknownSetting_NamesTheChoices(string setting)
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchDevices.Resolve(setting));

        Assert.Contains("cpu, cuda, auto", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeLoaderFailure_UnloadableLibrary_ReportsTheLoadersOwnMessage()
    {
        string folder = Directory.CreateTempSubdirectory("plant-native-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "libtorch.so"), string.Concat(Enumerable.Repeat("this is not an ELF file. ", 20)));

            string message = TorchRuntime.DescribeLoaderFailure(new TypeInitializationException("TorchSharp.torch", null), folder);

            Assert.Contains(Path.Combine(folder, "libtorch.so"), message, StringComparison.Ordinal);
            Assert.Contains("invalid ELF header", message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
