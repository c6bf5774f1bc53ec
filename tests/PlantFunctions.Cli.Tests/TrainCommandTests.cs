namespace PlantFunctions.Cli.Tests;

/// <summary><c>plant train</c>'s option checks, a real process: contradictions fail before anything is read or trained.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string folder = Directory.CreateTempSubdirectory("plant-train-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("--inattention")]
    [InlineData("--inattention-k", "90")]
    public async Task NoInattention_WithAnOptionThatTurnsItOn_FailsNamingBoth(params string[] turnsOn)
    {
        using var train = PlantCli.Start(folder, null, ["train", "--preset", "tiny", "--no-inattention", .. turnsOn, "--out", "m.plant"]);

        Assert.NotEqual(0, await train.WaitAsync(Timeout));
        Assert.Contains("--no-inattention contradicts --inattention and --inattention-k", train.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "m.plant.ckpt")));
    }

    [Fact]
    public async Task FullUnfreeze_WithGradualUnfreeze_FailsNamingBoth()
    {
        using var train = PlantCli.Start(folder, null, ["train", "--preset", "tiny", "--full-unfreeze", "--gradual-unfreeze", "--out", "m.plant"]);

        Assert.NotEqual(0, await train.WaitAsync(Timeout));
        Assert.Contains("--full-unfreeze contradicts --gradual-unfreeze", train.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "m.plant.ckpt")));
    }
}
