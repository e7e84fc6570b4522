using System.Runtime.Versioning;
using BackupPs.Core.Storage;
using BackupPs.Tests.Compression;
using Xunit;

namespace BackupPs.Tests.Storage;

/// <summary>The folders a path is resolved through, links, chains, relative targets and loops included.</summary>
[UnsupportedOSPlatform("windows")]
public class PathLookupsTests
{
    [Fact]
    public void ALinkChainWithRelativeTargetsVisitsEachLinksOwnFolderAndWhereItLeads()
    {
        using var scratch = new TempTestDirectory();
        var real = Directory.CreateDirectory(scratch.File("real/store/dev")).FullName;
        Directory.CreateDirectory(scratch.File("a"));
        Directory.CreateDirectory(scratch.File("b"));
        // a/backups -> ../b/hop (relative), b/hop -> <scratch>/real/store (absolute)
        File.CreateSymbolicLink(scratch.File("a/backups"), "../b/hop");
        File.CreateSymbolicLink(scratch.File("b/hop"), scratch.File("real/store"));

        var lookups = PathLookups.Of(scratch.File("a/backups/dev"));

        Assert.Contains(new PathLookup(scratch.File("a"), scratch.File("a/backups")), lookups);
        Assert.Contains(new PathLookup(scratch.File("b"), scratch.File("b/hop")), lookups);
        Assert.Contains(new PathLookup(scratch.File("real/store"), null), lookups);
        Assert.Contains(new PathLookup("/", null), lookups);
        Assert.Equal(2, lookups.Count(l => l.Link is not null));
        Assert.Equal(real, Path.Join(lookups[^1].Folder, "dev"));
    }

    [Fact]
    public void ALinkLoopEndsTheWalk()
    {
        using var scratch = new TempTestDirectory();
        File.CreateSymbolicLink(scratch.File("one"), "two");
        File.CreateSymbolicLink(scratch.File("two"), "one");

        var lookups = PathLookups.Of(scratch.File("one/dev"));

        Assert.All(lookups.Where(l => l.Link is not null), l => Assert.Equal(scratch.Path, l.Folder));
        Assert.InRange(lookups.Count(l => l.Link is not null), 2, 41);
    }

    [Fact]
    public void AMissingNameEndsTheWalkWhereItIsLookedUp()
    {
        using var scratch = new TempTestDirectory();

        var lookups = PathLookups.Of(scratch.File("missing/dev/app"));

        Assert.Equal(new PathLookup(scratch.Path, null), lookups[^1]);
    }
}
