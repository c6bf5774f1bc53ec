using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using PlantFunctions.Functions.Tasks;
using PlantFunctions.Pipeline;

namespace PlantFunctions.Functions.Tests;

/// <summary>
/// The Functions app wraps every orchestration and activity the local host runs, under the same name and with the
/// right trigger, so that the two hosts run the same tasks; and its host.json configures the engine as documented.
/// </summary>
public sealed class FunctionParityTests
{
    private static readonly IReadOnlyList<MethodInfo> Functions = [.. typeof(BatchTaskFunctions).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)];

    private static readonly IReadOnlyList<string> TaskNamesRegistered = [.. PlantTasks.All.Select(t => t.GetCustomAttribute<DurableTaskAttribute>()!.Name.Name)];

    public static TheoryData<string> Tasks() => [.. TaskNamesRegistered];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void EveryTask_HasAFunctionOfItsNameWithTheRightTrigger(string task)
    {
        var type = PlantTasks.All.Single(t => t.GetCustomAttribute<DurableTaskAttribute>()!.Name.Name == task);
        bool orchestrator = typeof(ITaskOrchestrator).IsAssignableFrom(type);

        var function = Assert.Single(Functions, f => f.GetCustomAttribute<FunctionAttribute>()!.Name == task);

        var trigger = orchestrator ? typeof(OrchestrationTriggerAttribute) : typeof(ActivityTriggerAttribute);
        Assert.Contains(function.GetParameters(), p => p.GetCustomAttribute(trigger) is not null);
    }

    [Fact]
    public void TaskNames_AreEachTheNameOfOneRegisteredTask()
    {
        var constants = typeof(TaskNames).GetFields().Select(f => (string)f.GetValue(null)!).Order();

        Assert.Equal(constants, TaskNamesRegistered.Order());
    }

    [Fact]
    public void FunctionNames_AreUnique()
    {
        var names = Functions.Select(f => f.GetCustomAttribute<FunctionAttribute>()!.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void HttpFunctions_NeedAFunctionKeyExceptHealth()
    {
        var http = Functions.SelectMany(f => f.GetParameters().Select(p => (Function: f, Trigger: p.GetCustomAttribute<HttpTriggerAttribute>())))
            .Where(x => x.Trigger is not null).ToList();

        Assert.True(http.Count >= 12, $"{http.Count} HTTP functions");
        Assert.All(http, x => Assert.Equal(x.Trigger!.Route!.StartsWith("health", StringComparison.Ordinal) ? AuthorizationLevel.Anonymous : AuthorizationLevel.Function,
            x.Trigger.AuthLevel));
    }

    [Fact]
    public void HostJson_ConfiguresTheDurableEngineAsDocumented()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");

        Assert.Equal("-1", host.RootElement.GetProperty("functionTimeout").GetString());
        Assert.Equal("%Plant:TaskHub%", durable.GetProperty("hubName").GetString());
        Assert.Equal(1, durable.GetProperty("maxConcurrentActivityFunctions").GetInt32());
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.Equal("AzureWebJobsStorage", durable.GetProperty("storageProvider").GetProperty("connectionName").GetString());
    }
}
