using static HoMM.Torch.torch;

namespace HoMM.Torch.Tests;

public sealed class DisposeScopeTests
{
    [Fact]
    public void Scope_DisposesWhatWasCreatedInside()
    {
        var before = Tensor.LiveCount;
        Tensor inside;
        using (var scope = NewDisposeScope())
        {
            inside = ones([3]) * 2 + 1;
            Assert.True(scope.DisposablesCount >= 3);
            Assert.True(Tensor.LiveCount >= before + 3);
        }

        Assert.True(inside.IsInvalid);
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void MoveToOuterDisposeScope_SurvivesTheInnerScope_DiesWithTheOuter()
    {
        var before = Tensor.LiveCount;
        Tensor kept;
        using (var outer = NewDisposeScope())
        {
            using (var inner = NewDisposeScope())
            {
                kept = (ones([2]) * 3).MoveToOuterDisposeScope();
                Assert.Same(outer, kept.OwningDisposeScope);
            }

            Assert.False(kept.IsInvalid);
            Assert.Equal([3f, 3], kept.ToArray<float>());
        }

        Assert.True(kept.IsInvalid);
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void DetachFromDisposeScope_CallerOwnsIt()
    {
        Tensor detached;
        using (var scope = NewDisposeScope())
        {
            detached = zeros([2]).DetachFromDisposeScope();
        }

        Assert.False(detached.IsInvalid);
        detached.Dispose();
        Assert.True(detached.IsInvalid);
    }

    [Fact]
    public void ExplicitDispose_InsideScope_IsForgotten()
    {
        using var scope = NewDisposeScope();
        var t = ones([1]);
        Assert.Equal(1, scope.DisposablesCount);

        t.Dispose();

        Assert.Equal(0, scope.DisposablesCount);
    }

    [Fact]
    public void DisposeEverythingBut_KeepsTheNamedTensors()
    {
        using var scope = NewDisposeScope();
        var a = ones([1]);
        var b = ones([1]);

        scope.DisposeEverythingBut(b);

        Assert.True(a.IsInvalid);
        Assert.False(b.IsInvalid);
        Assert.Equal(1, scope.DisposablesCount);
    }

    [Fact]
    public void OutsideAnyScope_TensorsAreNotTracked()
    {
        Assert.Null(DisposeScope.Current);
        using var t = ones([1]);
        Assert.Null(t.OwningDisposeScope);
    }

    [Fact]
    public void TrainingLoop_WithScopePerStep_KeepsLiveTensorsFlat()
    {
        manual_seed(1);
        using var model = nn.Sequential(nn.Linear(8, 16), nn.GELU(), nn.Linear(16, 4));
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-2);
        using var x = randn([32, 8]);
        using var y = randint(4, [32]);

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
        }

        // The first step creates the optimizer state; count after it.
        Step();
        var baseline = Tensor.LiveCount;
        for (var i = 0; i < 300; i++)
        {
            Step();
        }

        Assert.Equal(baseline, Tensor.LiveCount);
    }

    [Fact]
    public void NoGrad_RestoresThePreviousMode()
    {
        Assert.True(is_grad_enabled());
        using (no_grad())
        {
            Assert.False(is_grad_enabled());
            using var scope = NewDisposeScope();
            var y = ones([2], requires_grad: true) * 2;
            Assert.False(y.requires_grad);
        }

        Assert.True(is_grad_enabled());
    }
}

public sealed class DisposeScopeThreadTests
{
    [Fact]
    public void ScopeDisposedOnAnotherThread_NoLongerCollectsThisThreadsTensors()
    {
        var scope = torch.NewDisposeScope();
        var inside = torch.ones([1]);

        var worker = new Thread(scope.Dispose);
        worker.Start();
        worker.Join();

        Assert.True(inside.IsInvalid);
        Assert.Null(DisposeScope.Current);
        using var after = torch.ones([1]);
        Assert.Null(after.OwningDisposeScope);
    }
}
