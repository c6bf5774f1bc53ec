using PlantFunctions.Testing;

namespace PlantFunctions.Functions.Tests;

/// <summary>The collection every Azurite-backed test class of this assembly joins: one emulator for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "azurite";
}
