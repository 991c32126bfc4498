using HoMM.Core.Numerics;

namespace HoMM.Core.Tests.Numerics;

public class RngTests
{
    [Fact]
    public void Derive_SameParts_SameStream_DifferentParts_DifferentStream()
    {
        var a = Rng.Derive(42, 7, 1);
        var b = Rng.Derive(42, 7, 1);
        var c = Rng.Derive(42, 1, 7);

        var xa = Enumerable.Range(0, 5).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(xa, Enumerable.Range(0, 5).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(xa, Enumerable.Range(0, 5).Select(_ => c.NextUInt64()).ToArray());
    }

    [Fact]
    public void Derive_NearbySeedsAndParts_NeverShareAStream()
    {
        // Samplers derive (seed, trial number, attempt) streams: no two small tuples may coincide.
        var firsts = new HashSet<ulong>();
        for (var seed = 0; seed < 20; seed++)
        {
            for (var trial = 0; trial < 500; trial++)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                    Assert.True(firsts.Add(Rng.Derive(seed, trial, attempt).NextUInt64()), $"({seed}, {trial}, {attempt}) repeats a stream");
            }
        }
    }

    [Fact]
    public void NextGaussian_ManyDraws_HasUnitMoments()
    {
        var rng = new Rng(1);
        const int n = 200_000;
        double s = 0, s2 = 0;
        for (var i = 0; i < n; i++)
        {
            var z = rng.NextGaussian();
            s += z;
            s2 += z * z;
        }
        Assert.InRange(s / n, -0.01, 0.01);
        Assert.InRange(s2 / n, 0.98, 1.02);
    }

    [Fact]
    public void NextInt_StaysInRange_AndHitsEveryValue()
    {
        var rng = new Rng(5);
        var seen = new int[7];
        for (var i = 0; i < 7000; i++)
            seen[rng.NextInt(7)]++;
        Assert.All(seen, c => Assert.InRange(c, 850, 1150));
    }
}
