using OrleansReco.Tools.Synthetic;

namespace OrleansReco.ToolsTests;

public sealed class ZipfSamplerTests
{
    [Fact]
    public void Probabilities_follow_the_power_law_and_sum_to_one()
    {
        var zipf = new ZipfSampler(100, 1.0);

        Assert.Equal(1.0, Enumerable.Range(0, 100).Sum(zipf.Probability), 9);
        Assert.Equal(2.0, zipf.Probability(0) / zipf.Probability(1), 9);
        Assert.Equal(10.0, zipf.Probability(0) / zipf.Probability(9), 9);
    }

    [Fact]
    public void Draws_have_the_zipf_shape()
    {
        var zipf = new ZipfSampler(50, 1.0);
        var random = new Random(1);
        var counts = new int[50];
        for (var i = 0; i < 200_000; i++)
        {
            counts[zipf.Sample(random)]++;
        }

        Assert.Equal(counts.Max(), counts[0]);
        // Expected ratios 2 and 10; the bounds are several standard deviations wide.
        Assert.InRange((double)counts[0] / counts[1], 1.8, 2.2);
        Assert.InRange((double)counts[0] / counts[9], 8.5, 11.5);
        for (var rank = 1; rank < 10; rank++)
        {
            Assert.True(counts[rank - 1] > counts[rank], $"rank {rank - 1} should be drawn more often than rank {rank}");
        }
    }

    [Fact]
    public void Exponent_zero_is_uniform()
    {
        var zipf = new ZipfSampler(4, 0);

        Assert.All(Enumerable.Range(0, 4), r => Assert.Equal(0.25, zipf.Probability(r), 9));
    }

    [Fact]
    public void Uniform_input_maps_onto_every_rank_and_stays_in_range()
    {
        var zipf = new ZipfSampler(3, 1.0);

        Assert.Equal(0, zipf.Sample(0.0));
        Assert.Equal(2, zipf.Sample(0.999999));
        Assert.Equal(1, zipf.Sample(zipf.Probability(0) + 1e-9));
    }

    [Fact]
    public void Same_seed_gives_the_same_draws()
    {
        var zipf = new ZipfSampler(1000, 1.1);
        var a = new Random(5);
        var b = new Random(5);

        Assert.Equal(
            Enumerable.Range(0, 100).Select(_ => zipf.Sample(a)),
            Enumerable.Range(0, 100).Select(_ => zipf.Sample(b)));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfSampler(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfSampler(10, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZipfSampler(10, double.NaN));
    }
}
