using PlantFunctions.Pipeline.Storage;
using Xunit;

namespace PlantFunctions.Testing;

/// <summary>
/// One real Azurite per test assembly, on free loopback ports with a temp data folder, stopped by PID at the end.
/// Tests take unique container/queue/table names from <see cref="UniqueName"/> so they never see each other's data.
/// xunit needs the collection definition in each test assembly: see its AzuriteCollection class.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteEmulator? emulator;
    private int counter;

    /// <summary>The running emulator.</summary>
    public AzuriteEmulator Emulator => emulator ?? throw new InvalidOperationException("Azurite is not started");

    /// <summary>Connection string of the running emulator.</summary>
    public string ConnectionString => Emulator.ConnectionString;

    /// <summary>Clients for the emulator's account.</summary>
    public StorageAccount Account { get; private set; } = null!;

    /// <summary>A name no other test uses: lower-case letters and digits, valid for containers, queues and tables.</summary>
    public string UniqueName(string prefix) =>
        $"{prefix}{Interlocked.Increment(ref counter)}x{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 20)].ToLowerInvariant();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        emulator = await AzuriteEmulator.StartAsync(RepoPaths.Root).ConfigureAwait(false);
        Account = new StorageAccount(emulator.ConnectionString);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (emulator is not null)
        {
            await emulator.StopAsync().ConfigureAwait(false);
        }
    }
}
