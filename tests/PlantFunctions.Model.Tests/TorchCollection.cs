namespace PlantFunctions.Model.Tests;

/// <summary>Torch tests share one non-parallel collection: dispose scopes and seeds are per thread and global.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
