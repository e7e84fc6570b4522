using BackupPs.Core.Database;
using Xunit;

namespace BackupPs.Tests.Database;

/// <summary>
/// DatabaseBusy advises ending the holder's lock session only when its BackupPs process is known to be gone:
/// ending a running operation's lock would let two operations change one database at once.
/// </summary>
public sealed class DatabaseOperationLockTests
{
    [Theory]
    [InlineData("backupps restore-database pid 4242 on host-a", "host-a", false, true)]
    [InlineData("backupps restore-database pid 4242 on host-a", "host-a", true, false)]
    [InlineData("backupps restore-database pid 4242 on host-a", "host-b", false, false)]
    [InlineData("backupps restore-database pid 4242 on a host with spaces", "a host with spaces", false, true)]
    [InlineData("backupps restore-database pid 4242 on a-very-long-host-name-cut-at-sixty-th", "a-very-long-host-name-cut-at-sixty-three-bytes", false, false)]
    [InlineData("psql", "host-a", false, false)]
    [InlineData("backupps restore-database pid x on host-a", "host-a", false, false)]
    public void TheOwnerIsGoneOnlyWhenItsHostIsThisOneAndItsProcessIsNot(string application, string machine, bool runs, bool gone) =>
        Assert.Equal(gone, DatabaseOperationLock.OwnerIsGone(application, machine, _ => runs));
}
