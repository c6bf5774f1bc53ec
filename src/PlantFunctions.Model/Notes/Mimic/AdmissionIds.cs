using System.Globalization;

namespace PlantFunctions.Model.Notes.Mimic;

/// <summary>Admission ids (HADM_ID / hadm_id) as they appear in MIMIC tables and in split files.</summary>
internal static class AdmissionIds
{
    /// <summary>
    /// Parses "123456", also written "123456.0" (pandas writes an integer column that has missing values as floats,
    /// so an exported split file may hold that form).
    /// </summary>
    internal static bool TryParse(string text, out long id)
    {
        var span = text.AsSpan().Trim();
        int point = span.IndexOf('.');
        if (point >= 0)
        {
            var fraction = span[(point + 1)..];
            if (fraction.IsEmpty || fraction.ContainsAnyExcept('0'))
            {
                id = 0;
                return false;
            }

            span = span[..point];
        }

        return long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }
}
