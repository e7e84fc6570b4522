using Xunit;

// The end-to-end tests share one Docker engine and two CPU cores, kill processes and mount
// file systems: running them one at a time keeps every test's view of the machine its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// File modes, signals and mounts: the suite is Linux-only, like the Raspberry Pi it protects.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
