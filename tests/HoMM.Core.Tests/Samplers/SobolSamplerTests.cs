using HoMM.Core.Samplers;
using HoMM.Core.Samplers.Sobol;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Samplers;

public class SobolSamplerTests
{
    [Fact]
    public void Coordinate_Unscrambled_MatchesTheClassicSequence()
    {
        var sobol = new SobolSampler(new SobolSamplerOptions { Scramble = false });

        // Dimension 0 is van der Corput; dimension 1 comes from x + 1 with m = 1, 3, 5, 15, …
        Assert.Equal([0.5, 0.25, 0.75, 0.125], [.. Enumerable.Range(1, 4).Select(i => sobol.Coordinate(i, 0))]);
        Assert.Equal([0.5, 0.75, 0.25, 0.625], [.. Enumerable.Range(1, 4).Select(i => sobol.Coordinate(i, 1))]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Coordinate_First64Points_FillEvery64thOfEachOf24Dimensions(bool scramble)
    {
        var sobol = new SobolSampler(new SobolSamplerOptions { Scramble = scramble, Seed = 11 });

        for (var d = 0; d < 24; d++)
        {
            var cells = Enumerable.Range(0, 64).Select(i => (int)(sobol.Coordinate(i, d) * 64)).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 64), cells);
        }
    }

    [Fact]
    public void Coordinate_PairsOfFirst24Dimensions_AreGoodTwoDimensionalNets()
    {
        // t of a pair among the first 256 points: every box of area 2^(t-8) (all shapes) holds
        // exactly 2^t points. Scrambling must keep the t of the direction numbers; the search for
        // initial direction numbers must keep the worst and the mean pair low (the plain choice
        // m_k = 1 gives t = 8 for some pairs).
        var sobol = new SobolSampler(new SobolSamplerOptions { Scramble = true, Seed = 3 });
        const int M = 8;
        var points = Enumerable.Range(0, 24).Select(d => Enumerable.Range(0, 1 << M).Select(i => sobol.Coordinate(i, d)).ToArray()).ToArray();
        var ts = new List<int>();
        for (var a = 0; a < 24; a++)
        {
            for (var b = a + 1; b < 24; b++)
                ts.Add(Enumerable.Range(0, M + 1).First(t => IsNet(points[a], points[b], M, t)));
        }

        Assert.True(ts.Max() <= 6, $"worst t = {ts.Max()}");
        Assert.True(ts.Average() <= 2.5, $"mean t = {ts.Average()}");
    }

    private static bool IsNet(double[] x, double[] y, int m, int t)
    {
        for (var d1 = 0; d1 <= m - t; d1++)
        {
            var d2 = m - t - d1;
            var counts = new int[1 << d1, 1 << d2];
            for (var i = 0; i < 1 << m; i++)
                counts[(int)(x[i] * (1 << d1)), (int)(y[i] * (1 << d2))]++;
            if (counts.Cast<int>().Any(c => c != 1 << t))
                return false;
        }
        return true;
    }

    [Fact]
    public void Ask_IntegratesSmoothFunctionBetterThanRandom()
    {
        // Mean of f over 128 points estimates ∫f = 1; Sobol's error must be well below random's.
        static double F(IReadOnlyDictionary<string, object> p) =>
            Enumerable.Range(0, 5).Aggregate(1.0, (acc, d) => acc * (1 + 0.9 * Math.Sin(2 * Math.PI * (double)p[$"x{d}"])));
        var space = Spaces.Of([.. Enumerable.Range(0, 5).Select(d => new ParameterSpec($"x{d}", new FloatDistribution(0, 1)))]);

        double Error(ISampler sampler)
        {
            var study = new Study(space, StudyDirection.Minimize, sampler);
            return Math.Abs(Enumerable.Range(0, 128).Average(_ => F(study.Ask().Params)) - 1);
        }

        var sobol = Enumerable.Range(0, 8).Average(s => Error(new SobolSampler(new SobolSamplerOptions { Seed = s })));
        var random = Enumerable.Range(0, 8).Average(s => Error(new RandomSampler(s)));
        Assert.True(sobol < random / 3, $"sobol error {sobol}, random error {random}");
    }

    [Fact]
    public void Ask_ResumedFromStoredTrials_ContinuesTheSequence()
    {
        var space = Spaces.Of(new ParameterSpec("x", new FloatDistribution(0, 1)), new ParameterSpec("y", new IntDistribution(0, 100)));
        var straight = new Study(space, StudyDirection.Minimize, new SobolSampler(new SobolSamplerOptions { Seed = 4 }));
        var firstPart = new Study(space, StudyDirection.Minimize, new SobolSampler(new SobolSamplerOptions { Seed = 4 }));
        var expected = Enumerable.Range(0, 10).Select(_ => straight.Ask().Params["x"]).ToList();
        for (var i = 0; i < 6; i++)
            firstPart.Tell(firstPart.Ask().Number, i);

        var resumed = new Study(space, StudyDirection.Minimize, new SobolSampler(new SobolSamplerOptions { Seed = 4 }), trials: firstPart.Trials);
        var rest = Enumerable.Range(0, 4).Select(_ => resumed.Ask().Params["x"]).ToList();

        Assert.Equal(expected.Skip(6), rest);
    }
}
