using System.Globalization;

namespace BackupPs.Tests.Infrastructure;

/// <summary>
/// The non-root identities an operator may run backupps as. Root (the test runner) can enter a
/// container's file system and so takes the FIFO transport; these cannot.
/// </summary>
public sealed class OperatorAccount
{
    private const string DockerUserName = "backupps-operator";

    private OperatorAccount(string[] setpriv, int uid)
    {
        SetprivOptions = setpriv;
        Uid = uid;
    }

    /// <summary>nobody: not even allowed on the Docker socket.</summary>
    public static OperatorAccount Nobody { get; } = new(["--reuid=65534", "--regid=65534", "--clear-groups"], 65534);

    /// <summary>A member of the docker group, as operators usually are: Docker API yes, /proc/&lt;pid&gt;/root no.</summary>
    public static OperatorAccount DockerGroupMember => DockerGroupMemberAccount.Value;

    public string[] SetprivOptions { get; }

    public int Uid { get; }

    /// <summary>A fresh folder this account may write to.</summary>
    public string NewWritableFolder()
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-op-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        ProcessRunner.Run("chown", [Uid.ToString(CultureInfo.InvariantCulture), root]);
        return root;
    }

    private static readonly Lazy<OperatorAccount> DockerGroupMemberAccount = new(() =>
    {
        if (ProcessRunner.Run("id", ["-u", DockerUserName]).ExitCode != 0)
        {
            var created = ProcessRunner.Run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "-G", "docker", DockerUserName]);
            Assert.True(created.ExitCode == 0, "useradd failed: " + created);
        }

        var uid = int.Parse(ProcessRunner.Run("id", ["-u", DockerUserName]).Stdout.Trim(), CultureInfo.InvariantCulture);
        var gid = ProcessRunner.Run("id", ["-g", DockerUserName]).Stdout.Trim();
        return new OperatorAccount([$"--reuid={uid}", $"--regid={gid}", "--init-groups"], uid);
    });
}
