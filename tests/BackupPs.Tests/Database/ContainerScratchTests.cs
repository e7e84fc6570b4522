using BackupPs.Core.Database;
using BackupPs.Tests.Infrastructure;
using Xunit;

namespace BackupPs.Tests.Database;

/// <summary>Where BackupPs's short-lived files go in a container: the candidates, and the shell text that picks one.</summary>
public sealed class ContainerScratchTests
{
    [Fact]
    public void TheServersSocketDirectoryComesBetweenTmpAndDevShm()
    {
        Assert.Equal(["/tmp", "/dev/shm"], ContainerScratch.Directories(null));
        Assert.Equal(["/tmp", "/var/run/postgresql", "/dev/shm"], ContainerScratch.Directories(new ServerSocket("/var/run/postgresql/", "5433")));
        Assert.Equal(["/tmp", "/dev/shm"], ContainerScratch.Directories(new ServerSocket("/tmp", "5432")));
        Assert.Equal(["/tmp", "/dev/shm"], ContainerScratch.Directories(new ServerSocket("localhost", "5432")));
        // A colon would split the list the shell reads.
        Assert.Equal(["/tmp", "/dev/shm"], ContainerScratch.Directories(new ServerSocket("/run/a:b", "5432")));
    }

    [Fact]
    public void TheFirstDirectoryWhereTheFileCanBeMadeIsChosenByItsPhysicalPath()
    {
        var root = Directory.CreateTempSubdirectory("bps-scratch-").FullName;
        try
        {
            var real = Directory.CreateDirectory(Path.Combine(root, "real")).FullName;
            var link = Path.Combine(root, "link");
            File.CreateSymbolicLink(link, real);
            string[] directories = [Path.Combine(root, "missing"), link, real];
            var script = ContainerScratch.Choose("mkdir", ".backupps-x") + "printf '%s' \"$p\"";
            var chosen = ProcessRunner.Run("sh", ["-c", script],
                environment: new Dictionary<string, string?> { [ContainerScratch.Variable] = string.Join(':', directories) });
            Assert.Equal(0, chosen.ExitCode);
            Assert.Equal(real + "/.backupps-x", chosen.Stdout);
            Assert.Contains("missing", chosen.Stderr);

            var none = ProcessRunner.Run("sh", ["-c", script],
                environment: new Dictionary<string, string?> { [ContainerScratch.Variable] = Path.Combine(root, "missing") });
            Assert.Equal(1, none.ExitCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
