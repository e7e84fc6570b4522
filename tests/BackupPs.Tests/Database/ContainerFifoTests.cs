using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Tests.Infrastructure;
using Xunit;

namespace BackupPs.Tests.Database;

/// <summary>Opening our end of a container's FIFO never waits for ever (Linux: a FIFO of this process's own /tmp stands in for the container's).</summary>
public sealed class ContainerFifoTests
{
    /// <summary>
    /// The program in the container ends without opening its end, and the FIFO can no longer be reached (the container was
    /// killed, taking /proc/&lt;pid&gt;/root with it; here: the FIFO is unlinked): the open fails with "the container stopped"
    /// instead of hanging the restore or backup for ever.
    /// </summary>
    [Fact]
    public async Task AnOpenWhoseProgramEndedAndWhoseFifoIsGoneFailsInsteadOfHanging()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var folder = Directory.CreateTempSubdirectory("backupps-fifo-");
        try
        {
            var path = Path.Combine(folder.FullName, "in0");
            Assert.Equal(0, ProcessRunner.Run("mkfifo", [path]).ExitCode);
            var container = new DockerContainerDetails("abc", "db1", "sha256:x", new DockerContainerConfig("img", [], new Dictionary<string, string>(), null),
                new DockerContainerState("running", true, false, false, 0, Environment.ProcessId), []);
            using var docker = new DockerClient();
            var fifo = ContainerFifo.Existing(docker, container, path)!;
            var program = new TaskCompletionSource();
            var opening = fifo.OpenWhileRunningAsync(program.Task, FileAccess.Write);

            // Our open() is waiting for a reader now (or about to); the path goes, then the program ends.
            await Task.Delay(200);
            File.Delete(path);
            program.SetResult();

            var failure = await Record.ExceptionAsync(() => opening.WaitAsync(TimeSpan.FromMinutes(1)));
            Assert.True(failure is BackupPsException { ErrorId: "ContainerNotRunning" } or FileNotFoundException, failure?.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
