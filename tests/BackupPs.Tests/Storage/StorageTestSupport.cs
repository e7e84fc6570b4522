using BackupPs.Tests.Infrastructure;
using System.Runtime.InteropServices;
using BackupPs.Tests.Compression;
using Xunit;

namespace BackupPs.Tests.Storage;

/// <summary>
/// Real filesystems for the storage tests: a size-limited or read-only tmpfs mounted on a scratch directory
/// (needs root, which the test machines and CI have), and running code with a non-root filesystem uid.
/// </summary>
internal static partial class StorageTestSupport
{
    public const uint Nobody = 65534;

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEuid() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "setfsuid")]
    private static partial int SetFsUid(uint fsuid);

    [LibraryImport("libc", EntryPoint = "setfsgid")]
    private static partial int SetFsGid(uint fsgid);

    /// <summary>
    /// Runs <paramref name="action"/> on a dedicated thread whose filesystem uid/gid is nobody: Linux keeps
    /// fsuid per thread (the glibc wrapper does not broadcast it), and switching fsuid away from 0 drops
    /// CAP_DAC_OVERRIDE for that thread, so permission bits apply as for an ordinary user. Rethrows what the
    /// action threw.
    /// </summary>
    public static void RunAsNobody(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            SetFsGid(Nobody);
            SetFsUid(Nobody);
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                SetFsUid(0);
                SetFsGid(0);
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    public static void Sh(string command)
    {
        ProcessResult result = ProcessRunner.Run("sh", ["-c", command]);
        Assert.True(result.ExitCode == 0, $"'{command}' failed: {result.Stderr}");
    }
}

/// <summary>A tmpfs mounted on a fresh scratch directory for the duration of a test.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private readonly TempTestDirectory _scratch = new();

    /// <param name="options">mount -o options, e.g. "size=1m" or "ro,size=1m".</param>
    public TmpfsMount(string options)
    {
        Path = _scratch.File("mnt");
        Directory.CreateDirectory(Path);
        StorageTestSupport.Sh($"mount -t tmpfs -o {options} backupps-test '{Path}'");
    }

    public string Path { get; }

    public void Remount(string options) => StorageTestSupport.Sh($"mount -o remount,{options} '{Path}'");

    public string[] Entries() => Directory.GetFileSystemEntries(Path);

    public void Dispose()
    {
        ProcessResult result = ProcessRunner.Run("umount", [Path]);
        if (result.ExitCode != 0)
        {
            ProcessRunner.Run("umount", ["-l", Path]);
        }

        _scratch.Dispose();
    }
}
