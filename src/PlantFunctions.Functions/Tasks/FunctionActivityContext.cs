using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace PlantFunctions.Functions.Tasks;

/// <summary>
/// Runs a pipeline activity (a <see cref="TaskActivity{TInput, TOutput}"/>) inside an activity-triggered function: the
/// class is created from the invocation's services, as the local host creates it in a DI scope per execution.
/// (What Microsoft.DurableTask.Generators would emit; that package is not served on the build machine.)
/// </summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    /// <inheritdoc />
    public override TaskName Name { get; } = name;

    /// <inheritdoc />
    public override string InstanceId { get; } = instanceId;

    /// <summary>Runs activity <typeparamref name="TActivity"/> on <paramref name="input"/>.</summary>
    public static async Task<TOutput> RunAsync<TActivity, TInput, TOutput>(FunctionContext function, string name, TInput input)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        var activity = ActivatorUtilities.GetServiceOrCreateInstance<TActivity>(function.InstanceServices);
        string instanceId = function.BindingContext.BindingData.TryGetValue("instanceId", out object? id) ? id?.ToString() ?? "" : "";
        return await activity.RunAsync(new FunctionActivityContext(name, instanceId), input).ConfigureAwait(false);
    }
}
