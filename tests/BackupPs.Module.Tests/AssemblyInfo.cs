// The runspace tests share one Docker engine and two CPU cores with each other: one at a time, as
// in tests/BackupPs.Tests, keeps every test's view of the machine its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// File modes and containers: Linux only, like the Raspberry Pi the module protects.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
