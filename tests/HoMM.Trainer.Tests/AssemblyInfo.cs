// Tests count live native tensors and measure RSS process-wide, and start trainer processes
// that use the cores: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
