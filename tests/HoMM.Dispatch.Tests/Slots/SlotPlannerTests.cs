using HoMM.Dispatch.Processes;
using HoMM.Dispatch.Slots;
using HoMM.StudyFiles;

namespace HoMM.Dispatch.Tests.Slots;

public class SlotPlannerTests
{
    private static List<GpuInfo> Gpus(int count) => [.. Enumerable.Range(0, count).Select(i => new GpuInfo(i, "NVIDIA H100 80GB HBM3", 81559, 1))];

    [Fact]
    public void Plan_CpuSlots_SplitTheCoresEvenly()
    {
        var slots = SlotPlanner.Plan(new ResourcesDefinition([], false, 3), processorCount: 8).Slots;

        Assert.Equal(["cpu0", "cpu1", "cpu2"], slots.Select(s => s.Id));
        Assert.All(slots, s => Assert.Equal(2, s.Threads));
        Assert.All(slots, s => Assert.Null(s.CudaVisibleDevices));
    }

    [Fact]
    public void Plan_MoreSlotsThanCores_OneThreadEach()
    {
        var slots = SlotPlanner.Plan(new ResourcesDefinition([], false, 4), processorCount: 2).Slots;

        Assert.All(slots, s => Assert.Equal(1, s.Threads));
    }

    [Fact]
    public void Plan_GpuIds_OneSlotPerGpuWithItsDevice()
    {
        var slots = SlotPlanner.Plan(new ResourcesDefinition([1, 3], false, 0), processorCount: 16).Slots;

        Assert.Equal(["gpu1", "gpu3"], slots.Select(s => s.Id));
        Assert.Equal(["1", "3"], slots.Select(s => s.CudaVisibleDevices));
        Assert.All(slots, s => Assert.Equal(8, s.Threads));
    }

    [Fact]
    public void Plan_GpusAuto_UsesTheDetectedGpus()
    {
        var slots = SlotPlanner.Plan(new ResourcesDefinition([], true, 0), 4, () => Gpus(4)).Slots;

        Assert.Equal(4, slots.Count);
        Assert.Equal("3", slots[3].CudaVisibleDevices);
    }

    [Fact]
    public void Plan_GpusAutoWithoutGpus_SaysWhatToDo()
    {
        var e = Assert.Throws<SlotPlanException>(() => SlotPlanner.Plan(new ResourcesDefinition([], true, 0), 4, () => []));

        Assert.Contains("cpu_slots", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_TwoTrialsPerGpuOnTwoGpus_FourSlotsEachWithItsGpuAndAShareOfTheCores()
    {
        var slots = SlotPlanner.Plan(new ResourcesDefinition([], DetectGpus: true, CpuSlots: 0) { TrialsPerGpu = 2 }, 16, () => Gpus(2)).Slots;

        Assert.Equal(["gpu0.0", "gpu0.1", "gpu1.0", "gpu1.1"], slots.Select(s => s.Id));
        Assert.Equal(["0", "0", "1", "1"], slots.Select(s => s.CudaVisibleDevices));
        Assert.All(slots, s => Assert.Equal(4, s.Threads));
    }
}

public class SlotPoolTests
{
    [Fact]
    public async Task AcquireAsync_AllSlotsTaken_WaitsUntilOneIsReturnedAndNeverLendsOneTwice()
    {
        var pool = new SlotPool(SlotPlanner.Plan(new ResourcesDefinition([], false, 2), 2).Slots);
        var a = await pool.AcquireAsync(CancellationToken.None);
        var b = await pool.AcquireAsync(CancellationToken.None);
        Assert.NotEqual(a.Slot.Id, b.Slot.Id);

        var third = pool.AcquireAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, pool.InUse);

        b.Dispose();
        b.Dispose(); // returning twice returns once
        var c = await third;
        Assert.Equal(b.Slot.Id, c.Slot.Id);
        Assert.Equal(2, pool.InUse);
        a.Dispose();
        c.Dispose();
        Assert.Equal(0, pool.InUse);
    }
}

public class SlotPoolNeighbourTests
{
    private static SlotPool SharedGpus() => new(
    [
        TrainerSlot.Gpu("gpu0.0", "0", 1), TrainerSlot.Gpu("gpu0.1", "0", 1), TrainerSlot.Gpu("gpu0.2", "0", 1), TrainerSlot.Gpu("gpu1", "1", 1),
    ]);

    [Fact]
    public async Task ReportOutOfMemory_BesideTwoNeighbours_LowersThatGpusLimitToTwoAndSaysRetry()
    {
        var pool = SharedGpus();
        var a = await pool.AcquireAsync(CancellationToken.None);
        var b = await pool.AcquireAsync(CancellationToken.None);
        var c = await pool.AcquireAsync(CancellationToken.None);
        b.Dispose(); // a neighbour that left still counts: it shared the GPU while a ran

        var decision = pool.ReportOutOfMemory(a);

        Assert.Equal(new OutOfMemoryDecision(true, 2, 2, "it ran beside 2 other trials on GPU 0, which now runs at most 2 at once"), decision);
        Assert.Equal(2, pool.GpuLimit("0"));
        Assert.Equal(1, pool.GpuLimit("1"));
        a.Dispose();
        c.Dispose();
    }

    [Fact]
    public async Task AcquireAsync_GpuAtItsLoweredLimit_LendsAnotherGpusSlotThenWaits()
    {
        var pool = SharedGpus();
        var a = await pool.AcquireAsync(CancellationToken.None);
        var b = await pool.AcquireAsync(CancellationToken.None);
        Assert.Equal(1, pool.ReportOutOfMemory(a).GpuLimit);
        a.Dispose();

        var next = await pool.AcquireAsync(CancellationToken.None);
        var waiting = pool.AcquireAsync(CancellationToken.None);
        await Task.Delay(100);

        Assert.Equal(("gpu0.1", "gpu1"), (b.Slot.Id, next.Slot.Id));
        Assert.False(waiting.IsCompleted, "GPU 0 already runs its one trial; GPU 1 its one");
        b.Dispose();
        Assert.Equal("0", (await waiting).Slot.CudaVisibleDevices);
    }

    [Fact]
    public async Task ReportOutOfMemory_AloneOnItsGpuOrOnACpuSlot_NoRetry()
    {
        var pool = SharedGpus();
        var alone = await pool.AcquireAsync(CancellationToken.None);
        var cpu = new SlotPool([TrainerSlot.Cpu("cpu0", 1), TrainerSlot.Cpu("cpu1", 1)]);
        var c0 = await cpu.AcquireAsync(CancellationToken.None);
        _ = await cpu.AcquireAsync(CancellationToken.None);

        Assert.Equal(new OutOfMemoryDecision(false, 0, 3, "it ran alone on GPU 0, so fewer neighbours cannot help"), pool.ReportOutOfMemory(alone));
        Assert.False(cpu.ReportOutOfMemory(c0).Retry);
    }

    [Fact]
    public async Task AcquireAsync_WaitCancelled_ThrowsAndTheNextReturnGoesToTheNextWaiter()
    {
        var pool = new SlotPool([TrainerSlot.Cpu("cpu0", 1)]);
        var held = await pool.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = pool.AcquireAsync(cancel.Token);
        var next = pool.AcquireAsync(CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        held.Dispose();

        Assert.Equal("cpu0", (await next).Slot.Id);
        Assert.Equal(1, pool.InUse);
    }
}
