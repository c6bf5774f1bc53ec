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

    [Theory]
    [InlineData("--preset", "gpu", "--preset 'gpu' is not one of tiny, cpu, paper")]
    [InlineData("--lr", "NaN", "--lr must be a finite number above 0, not NaN")]
    [InlineData("--lr", "0", "--lr must be a finite number above 0, not 0")]
    [InlineData("--static-term-lr-factor", "-1", "--static-term-lr-factor must be a finite number of 0 or more, not -1")]
    public async Task Train_BadSettingValue_FailsNamingItBeforeTraining(string option, string value, string expected)
    {
        using var train = PlantCli.Start(folder, null, ["train", option, value, "--out", "m.plant"]);

        Assert.NotEqual(0, await train.WaitAsync(Timeout));
        Assert.Contains(expected, train.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "m.plant.ckpt")));
    }

    [Fact]
    public async Task LmFrom_AFileThatIsNoCheckpoint_FailsNamingTheOptionAndTheFileWithoutAStackTrace()
    {
        string notACheckpoint = Path.Combine(folder, "lm.log");
        await File.WriteAllTextAsync(notACheckpoint, "[LanguageModel] epoch 1/1");
        using var train = PlantCli.Start(folder, null, ["train", "--preset", "tiny", "--lm-from", notACheckpoint, "--out", "m.plant"]);

        Assert.Equal(1, await train.WaitAsync(Timeout));
        Assert.Contains($"plant: --lm-from '{notACheckpoint}': training checkpoint is corrupt", train.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", train.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_ResumingACheckpointWithOtherOptions_FailsNamingTheCheckpointAndTheOption()
    {
        string[] tiny = ["train", "--preset", "tiny", "--lm-epochs", "0", "--ranker-epochs", "1", "--epochs", "1", "--no-refit", "--out", "m.plant"];
        using (var first = PlantCli.Start(folder, null, tiny))
        {
            Assert.True(await first.WaitAsync(Timeout) == 0, first.Output);
        }

        using var resumed = PlantCli.Start(folder, null, [.. tiny, "--gradual-unfreeze"]);

        Assert.Equal(1, await resumed.WaitAsync(Timeout));
        Assert.Contains("plant: checkpoint 'm.plant.ckpt': the checkpoint was started with other training settings (gradualUnfreezing false there, true now)",
            resumed.Output, StringComparison.Ordinal);
    }
}
