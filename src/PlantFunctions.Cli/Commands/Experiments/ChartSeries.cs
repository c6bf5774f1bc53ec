namespace PlantFunctions.Cli.Commands.Experiments;

/// <summary>
/// A named line through points (x, y), with an optional ± error per point; non-finite points are left out. Series
/// with the same <paramref name="Color"/> index share a colour (default: the next one).
/// </summary>
internal sealed record ChartSeries(string Name, double[] X, double[] Y, double[]? Error = null, int? Color = null, bool Dashed = false);
