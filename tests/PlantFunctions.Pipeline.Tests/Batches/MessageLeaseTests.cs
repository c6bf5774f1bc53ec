using Microsoft.Extensions.DependencyInjection;
using PlantFunctions.Pipeline.Storage;
using PlantFunctions.Testing;
using PlantFunctions.Testing.Hosting;

namespace PlantFunctions.Pipeline.Tests.Batches;

[Collection(AzuriteCollection.Name)]
public sealed class MessageLeaseTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Heartbeat_WhileWorking_KeepsTheMessageFromOtherReceiversThenDeleteRemovesIt()
    {
        await using var services = await PipelineServices.CreateAsync(azurite, azurite.UniqueName("t"));
        var queue = services.GetRequiredService<TaskHub>().WorkItems;
        await queue.SendMessageAsync("{}");
        var visibility = TimeSpan.FromSeconds(1);
        var message = (await queue.ReceiveMessagesAsync(1, visibility)).Value.Single();
        var lease = new MessageLease(queue, message, visibility, TimeProvider.System);
        int beats = 0;

        lease.StartHeartbeat(_ => Task.FromResult(Interlocked.Increment(ref beats)));
        await Poll.UntilAsync(async () =>
        {
            Assert.Empty((await queue.ReceiveMessagesAsync(1)).Value);
            return Volatile.Read(ref beats) >= 5;
        }, TimeSpan.FromSeconds(30), "five extensions (well past the first visibility timeout)");
        await lease.DeleteAsync();
        bool lost = lease.Lost.IsCancellationRequested;
        await lease.DisposeAsync();

        Assert.False(lost);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Extend_AfterAnotherReceiverTookTheMessage_SignalsLost()
    {
        await using var services = await PipelineServices.CreateAsync(azurite, azurite.UniqueName("t"));
        var queue = services.GetRequiredService<TaskHub>().WorkItems;
        await queue.SendMessageAsync("{}");
        var message = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value.Single();
        var lease = new MessageLease(queue, message, TimeSpan.FromSeconds(3), TimeProvider.System);
        var stolen = await Poll.ForAsync(async () => (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value, m => m.Length == 1,
            TimeSpan.FromSeconds(30), "the message to become visible to another receiver");

        await lease.ReleaseAsync(TimeSpan.Zero);

        Assert.True(lease.Lost.IsCancellationRequested);
        Assert.Equal(message.MessageId, stolen[0].MessageId);
        await lease.DisposeAsync();
    }
}
