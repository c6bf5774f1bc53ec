using System.Globalization;

namespace PlantFunctions.Model.Evaluation;

/// <summary>
/// A range of training frequencies (how many training notes carry a code), for macro-F1 on rare versus common codes.
/// </summary>
/// <param name="Name">Display name and metric suffix, e.g. "1-5" gives "macroF1[1-5]".</param>
/// <param name="Min">Smallest frequency in the bucket (inclusive).</param>
/// <param name="Max">Largest frequency in the bucket (inclusive); <see cref="int.MaxValue"/> for an open end.</param>
public sealed record FrequencyBucket(string Name, int Min, int Max)
{
    /// <summary>The usual buckets: codes seen 1-5, 6-50 and more than 50 times in training.</summary>
    public static IReadOnlyList<FrequencyBucket> Default { get; } = FromUpperBounds(5, 50);

    /// <summary>Whether a label with this training frequency belongs to the bucket.</summary>
    public bool Contains(int frequency) => frequency >= Min && frequency <= Max;

    /// <summary>
    /// Consecutive buckets from 1 up: bounds (5, 50) give "1-5", "6-50" and "&gt;50". Codes never seen in training
    /// (frequency 0) fall in none of them.
    /// </summary>
    public static IReadOnlyList<FrequencyBucket> FromUpperBounds(params int[] upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        var buckets = new List<FrequencyBucket>(upperBounds.Length + 1);
        int min = 1;
        foreach (int max in upperBounds)
        {
            if (max < min || max == int.MaxValue)
            {
                throw new ArgumentException("upper bounds must be increasing, at least 1 and finite", nameof(upperBounds));
            }

            string name = min == max
                ? max.ToString(CultureInfo.InvariantCulture)
                : string.Create(CultureInfo.InvariantCulture, $"{min}-{max}");
            buckets.Add(new FrequencyBucket(name, min, max));
            min = max + 1;
        }

        buckets.Add(new FrequencyBucket(string.Create(CultureInfo.InvariantCulture, $">{min - 1}"), min, int.MaxValue));
        return buckets;
    }
}
