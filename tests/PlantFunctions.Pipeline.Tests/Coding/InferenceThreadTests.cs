using PlantFunctions.Pipeline.Coding;

namespace PlantFunctions.Pipeline.Tests.Coding;

public sealed class InferenceThreadTests
{
    [Fact]
    public async Task Initialize_RunsOnTheInferenceThreadBeforeAnyWork()
    {
        var log = new List<string>();
        using var inference = new InferenceThread(() => log.Add("init on " + Thread.CurrentThread.Name));

        string work = await inference.RunAsync(() => "work on " + Thread.CurrentThread.Name);
        log.Add(work);

        Assert.Equal(["init on plant-inference", "work on plant-inference"], log);
    }

    [Fact]
    public async Task RunAsync_ThrowingWork_FaultsThatTaskAndKeepsTheThreadServing()
    {
        using var inference = new InferenceThread();

        var failed = inference.RunAsync<int>(() => throw new InvalidDataException("bad note"));
        var next = inference.RunAsync(() => 42);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => failed);
        Assert.Equal("bad note", error.Message);
        Assert.Equal(42, await next);
    }
}
