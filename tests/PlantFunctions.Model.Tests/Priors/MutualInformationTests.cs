using PlantFunctions.Model.Priors;

namespace PlantFunctions.Model.Tests.Priors;

public sealed class MutualInformationTests
{
    [Fact]
    public void Gain_HandComputedTable_MatchesDefinition()
    {
        // N=4: token in docs {0,1}, code in docs {0,1}: the events are identical, I = H = ln 2.
        Assert.Equal(Math.Log(2), MutualInformation.Gain(4, 2, 2, 2), 12);

        // Independent events: token in {0,1}, code in {0,2}: joint 1/4 = 1/2 * 1/2, I = 0.
        Assert.Equal(0.0, MutualInformation.Gain(4, 2, 2, 1), 12);

        // N=10, n_t=4, n_l=3, n_tl=2: sum over the four cells of p log(p / (p_t p_l)).
        double expected = (0.2 * Math.Log(0.2 / (0.4 * 0.3))) + (0.2 * Math.Log(0.2 / (0.4 * 0.7)))
                        + (0.1 * Math.Log(0.1 / (0.6 * 0.3))) + (0.5 * Math.Log(0.5 / (0.6 * 0.7)));
        Assert.Equal(expected, MutualInformation.Gain(10, 4, 3, 2), 12);
    }

    [Fact]
    public void Normalized_IdenticalEventsIsOne_IndependentIsZero()
    {
        Assert.Equal(1.0, MutualInformation.Normalized(4, 2, 2, 2), 12);
        Assert.Equal(0.0, MutualInformation.Normalized(4, 2, 2, 1), 12);
        double gain = MutualInformation.Gain(10, 4, 3, 2);
        double union = MutualInformation.Entropy(0.4) + MutualInformation.Entropy(0.3) - gain;
        Assert.Equal(gain / union, MutualInformation.Normalized(10, 4, 3, 2), 12);
    }

    [Theory]
    [InlineData(10, 4, 3, 2, true)]
    [InlineData(10, 5, 2, 1, false)]
    [InlineData(10, 5, 2, 0, false)]
    public void PositivelyAssociated_ComparesJointWithProduct(int n, int t, int l, int both, bool expected)
    {
        Assert.Equal(expected, MutualInformation.PositivelyAssociated(n, t, l, both));
    }
}
