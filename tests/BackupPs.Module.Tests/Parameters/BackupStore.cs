using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// A store with two backups of the shared server, made once per test class (the tests only read it), and the
/// folder it lives in. The backups are made through the module itself on first use.
/// </summary>
public sealed class BackupStore : IDisposable
{
    private readonly object _gate = new();
    private string[]? _files;

    /// <summary>A temporary folder holding the store (in Root) and anything a test adds beside it.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("bps-params-").FullName;

    public string Root => Path.Combine(Folder, "store");

    /// <summary>The two backup files, oldest first.</summary>
    public IReadOnlyList<string> Files(ModuleSession session, PostgresContainer server)
    {
        lock (_gate)
        {
            return _files ??= [Backup(session, server, Root), Backup(session, server, Root)];
        }
    }

    /// <summary>Backs up the server's database into <paramref name="root"/> as dev; returns the backup file.</summary>
    public static string Backup(ModuleSession session, PostgresContainer server, string root) =>
        (string)session.Invoke("(Backup-Database -Container $args[0] -Environment dev -Path $args[1]).Path", server.Name, root)
            .AssertSucceeded().Output.Single().BaseObject;

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
