using System.Text.Json;

namespace PlantFunctions.Testing.Fakes;

/// <summary>The "model file" of the doubles: a small JSON document naming the model and version.</summary>
/// <param name="Kind">Always "fake".</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Model version.</param>
public sealed record FakeModelFile(string Kind, string Name, string Version)
{
    /// <summary>The bytes of a fake model file.</summary>
    public static BinaryData Create(string name, string version) =>
        BinaryData.FromObjectAsJson(new FakeModelFile("fake", name, version), JsonSerializerOptions.Web);
}
