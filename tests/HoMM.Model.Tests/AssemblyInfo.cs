// Seeds (manual_seed) and grad modes are process- or thread-wide: run the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
