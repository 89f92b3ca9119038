// The domain meters are process-wide (a Meter per process): tests that count them must not share the process's
// moments with other hosts admitting and visiting, so this assembly's tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
