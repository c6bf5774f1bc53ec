using System.Text.Json;
using System.Text.Json.Serialization;

namespace PlantFunctions.Testing.Fakes;

/// <summary>The "model file" of the doubles: a small JSON document naming the model and version.</summary>
/// <param name="Kind">Always "fake".</param>
/// <param name="Name">Model name.</param>
/// <param name="Version">Model version.</param>
/// <param name="TrainNotes">The training notes it was "trained" on (files the fake trainer writes): two runs on other data give other files.</param>
public sealed record FakeModelFile(string Kind, string Name, string Version, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TrainNotes = null)
{
    /// <summary>The bytes of a fake model file.</summary>
    public static BinaryData Create(string name, string version, int? trainNotes = null) =>
        BinaryData.FromObjectAsJson(new FakeModelFile("fake", name, version, trainNotes), JsonSerializerOptions.Web);
}
