using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using CoreActivity = DurableTask.Core.TaskActivity;
using CoreOrchestration = DurableTask.Core.TaskOrchestration;

namespace PlantFunctions.Host.Durable;

/// <summary>
/// Runs the tasks registered with the Durable Task SDK (<c>AddDurableTaskWorker(b => b.AddTasks(...))</c>) on a DTFx
/// <see cref="TaskHubWorker"/> over the host's <see cref="IOrchestrationService"/> (Azure Storage), through the SDK's
/// public <see cref="DurableTaskShimFactory"/>, the same shim the isolated Functions worker runs orchestrators with.
/// Each activity runs in its own DI scope, as in Functions.
/// </summary>
internal sealed class DtfxDurableTaskWorker : DurableTaskWorker
{
    private readonly TaskHubWorker worker;

    public DtfxDurableTaskWorker(string? name, IDurableTaskFactory factory, IOrchestrationService service, IServiceProvider services,
        ILoggerFactory loggerFactory, DataConverter converter)
        : base(name, factory)
    {
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = converter }, loggerFactory);
        worker = new TaskHubWorker(service, new OrchestrationManager(factory, shims, services), new ActivityManager(factory, shims, services), loggerFactory)
        {
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await worker.StopAsync(isForced: false).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken) => await worker.StartAsync().ConfigureAwait(false);

    private sealed class OrchestrationManager(IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services)
        : INameVersionObjectManager<CoreOrchestration>
    {
        public void Add(ObjectCreator<CoreOrchestration> creator) => throw new NotSupportedException();

        public CoreOrchestration? GetObject(string name, string? version) =>
            factory.TryCreateOrchestrator(new TaskName(name), services, out ITaskOrchestrator? orchestrator)
                ? shims.CreateOrchestration(new TaskName(name), orchestrator)
                : null;
    }

    private sealed class ActivityManager(IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services)
        : INameVersionObjectManager<CoreActivity>
    {
        public void Add(ObjectCreator<CoreActivity> creator) => throw new NotSupportedException();

        public CoreActivity? GetObject(string name, string? version) => new ScopedActivity(new TaskName(name), factory, shims, services);
    }

    /// <summary>Creates the activity in a DI scope of its own for each execution.</summary>
    private sealed class ScopedActivity(TaskName name, IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services) : CoreActivity
    {
        public override string Run(TaskContext context, string input) => throw new NotSupportedException();

        public override async Task<string> RunAsync(TaskContext context, string input)
        {
            var scope = services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                if (!factory.TryCreateActivity(name, scope.ServiceProvider, out ITaskActivity? activity))
                {
                    throw new InvalidOperationException($"no activity named '{name}' is registered");
                }

                return await shims.CreateActivity(name, activity).RunAsync(context, input).ConfigureAwait(false);
            }
        }
    }
}
