// Tests here count live native tensors process-wide and set per-thread grad modes: run them one
// at a time so one test's tensors never show up in another's count.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
