using PlantFunctions.Model.Notes;

namespace PlantFunctions.Model.Coding;

/// <summary>
/// A loaded model that assigns codes to notes. Implementations hold native tensors: they are synchronous, not
/// thread-safe, and meant to be called from one inference thread per device.
/// </summary>
public interface INoteCoder : IDisposable
{
    /// <summary>What model this is (name, version, label count).</summary>
    CoderInfo Info { get; }

    /// <summary>Codes a group of notes (implementations batch and length-sort internally); one result per note, in order.</summary>
    IReadOnlyList<CodedNote> Code(IReadOnlyList<ClinicalNote> notes, CodingOptions options, CancellationToken cancellationToken = default);
}
