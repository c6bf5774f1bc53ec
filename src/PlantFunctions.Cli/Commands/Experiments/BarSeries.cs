namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>One bar per group (same order as the chart's groups), with an optional ± error each; non-finite values get no bar.</summary>
internal sealed record BarSeries(string Name, double[] Values, double[]? Errors = null);
