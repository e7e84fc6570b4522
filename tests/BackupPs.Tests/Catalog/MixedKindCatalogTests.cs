using BackupPs.Core.Catalog;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// A store that holds every kind: database dumps in &lt;env&gt;/&lt;database&gt;/, file sets in &lt;env&gt;/&lt;kind&gt;/&lt;name&gt;/
/// (a database named like a kind folder included). Get-Backup lists them all, filters by -Kind and -Name, keeps the newest
/// of each (environment, kind, name) for -Latest, and skips a misplaced file set with the warning a misplaced dump gets.
/// </summary>
public sealed class MixedKindCatalogTests : IDisposable
{
    private static readonly DateTimeOffset Day = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    private readonly string _root = Directory.CreateTempSubdirectory("bps-kinds-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>app (Database), volume (a Database named like the volume kind's folder), certs (Directory), env (EnvFile), docker_db-data (Volume).</summary>
    private async Task<Dictionary<string, string>> StoreEveryKindAsync()
    {
        return new Dictionary<string, string>
        {
            ["app"] = await FileSetSamples.StoreAsync(_root, ManifestSamples.Valid("app-prod-20261121T020000Z.dump.zst", Day)),
            ["volume-db"] = await FileSetSamples.StoreAsync(_root, ManifestSamples.Valid("volume-prod-20261121T020100Z.dump.zst", Day.AddMinutes(1), database: "volume")),
            ["certs"] = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day.AddMinutes(2))),
            ["env"] = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.EnvFile, "env", Day.AddMinutes(3))),
            ["docker_db-data"] = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Volume, "docker_db-data", Day.AddMinutes(4))),
        };
    }

    [Fact]
    public async Task EveryKindIsListedInCatalogOrderWithoutWarnings()
    {
        var stored = await StoreEveryKindAsync();

        var host = new RecordingHost();
        var records = ManifestStore.Enumerate(_root, host).ToList();

        Assert.Empty(host.Errors);
        Assert.Empty(host.Warnings);
        Assert.Equal(stored.Values, records.Select(r => r.Path));
        Assert.Equal([BackupKind.Database, BackupKind.Database, BackupKind.Directory, BackupKind.EnvFile, BackupKind.Volume], records.Select(r => r.Kind));
        Assert.Equal(Path.Combine(_root, "prod", "volume", "docker_db-data"), Path.GetDirectoryName(stored["docker_db-data"]));
        Assert.Equal(Path.Combine(_root, "prod", "volume"), Path.GetDirectoryName(stored["volume-db"]));
        Assert.Equal(2, records.Single(r => r.Kind == BackupKind.EnvFile).Files!.Count);
    }

    [Fact]
    public async Task KindAndNameNarrowTheList()
    {
        var stored = await StoreEveryKindAsync();

        Assert.Equal([stored["certs"]], await ListAsync(new GetBackupOptions { Kind = [BackupKind.Directory] }));
        Assert.Equal([stored["env"], stored["docker_db-data"]], await ListAsync(new GetBackupOptions { Kind = [BackupKind.Volume, BackupKind.EnvFile] }));
        Assert.Equal([stored["app"], stored["volume-db"]], await ListAsync(new GetBackupOptions { Kind = [BackupKind.Database] }));
        Assert.Equal([stored["docker_db-data"]], await ListAsync(new GetBackupOptions { Name = "docker_db-data" }));
        // The name of a database and of a kind's folder are different names: -Name volume is the database only.
        Assert.Equal([stored["volume-db"]], await ListAsync(new GetBackupOptions { Name = "volume" }));
        Assert.Equal([stored["app"]], await ListAsync(new GetBackupOptions { Name = "app", Database = "app" }));
        Assert.Empty(await ListAsync(new GetBackupOptions { Name = "certs", Kind = [BackupKind.Volume] }));
    }

    [Fact]
    public async Task LatestKeepsTheNewestOfEachEnvironmentKindAndName()
    {
        var stored = await StoreEveryKindAsync();
        var certsLater = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day.AddDays(1)));
        // The same name under two kinds is two things: a database named certs does not hide the folder's backups.
        var certsDatabase = await FileSetSamples.StoreAsync(_root, ManifestSamples.Valid("certs-prod-20261123T020000Z.dump.zst", Day.AddDays(2), database: "certs"));
        var devCerts = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day, environment: "dev"));

        var latest = await ListAsync(new GetBackupOptions { Latest = true });

        Assert.Equal(
            new[] { stored["app"], stored["volume-db"], stored["env"], stored["docker_db-data"], certsLater, certsDatabase, devCerts }.Order(),
            latest.Order());
        Assert.DoesNotContain(stored["certs"], latest);
    }

    [Fact]
    public async Task AFileSetFiledElsewhereIsSkippedWithAWarningAndTheRestListed()
    {
        var stored = await StoreEveryKindAsync();
        // Where a database dump would lie, under another kind's folder, and under another environment.
        var asDatabase = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day.AddHours(1)), Path.Combine(_root, "prod", "certs"));
        var wrongKind = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day.AddHours(2)), Path.Combine(_root, "prod", "volume", "certs"));
        var wrongEnvironment = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.EnvFile, "env", Day.AddHours(3)), Path.Combine(_root, "dev", "envfile", "env"));

        var host = new RecordingHost();
        var records = ManifestStore.Enumerate(_root, host).Select(r => r.Path).ToList();

        Assert.Equal(stored.Values.Order(), records.Order());
        Assert.Empty(host.Errors);
        foreach (var misplaced in new[] { asDatabase, wrongKind, wrongEnvironment })
        {
            Assert.Contains(host.Warnings, w => w.StartsWith($"Skipping {BackupNames.ManifestPathFor(misplaced)}:", StringComparison.Ordinal));
        }

        Assert.Contains(host.Warnings, w => w.Contains("Directory backup of certs (prod), which belongs in prod/directory/certs", StringComparison.Ordinal));
        Assert.Contains(host.Warnings, w => w.Contains("EnvFile backup of env (prod), which belongs in prod/envfile/env", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFileSetManifestThatFailsValidationIsOneErrorAndTheRestAreListed()
    {
        var stored = await StoreEveryKindAsync();
        var bad = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day.AddHours(1)));
        // Edited by hand afterwards: an entry that would be written outside the restore's destination.
        File.WriteAllText(BackupNames.ManifestPathFor(bad), File.ReadAllText(BackupNames.ManifestPathFor(bad)).Replace("\"live/cert.pem\"", "\"../../etc/cert.pem\"", StringComparison.Ordinal));

        var host = new RecordingHost();
        var records = ManifestStore.Enumerate(_root, host).Select(r => r.Path).ToList();

        Assert.Equal(stored.Values.Order(), records.Order());
        var error = Assert.Single(host.Errors);
        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Contains("field Files", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The kind and name folders of file sets are one level deeper than a database's folder: links there are followed
    /// (store/prod/directory -> a USB disk, store/prod/directory/photos -> another), links inside a name folder are not.
    /// </summary>
    [Fact]
    public async Task LinkedKindAndNameFoldersAreFollowedAndLinksInsideANameFolderAreNot()
    {
        var usb = Directory.CreateTempSubdirectory("bps-kinds-usb-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(_root, "prod"));
            Directory.CreateDirectory(Path.Combine(usb, "directory"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "prod", "directory"), Path.Combine(usb, "directory"));
            Directory.CreateDirectory(Path.Combine(usb, "photos"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "prod", "volume"), Path.Combine(usb, "photos"));
            Directory.CreateDirectory(Path.Combine(usb, "db-data"));
            Directory.CreateDirectory(Path.Combine(_root, "prod", "envfile"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "prod", "envfile", "env"), Path.Combine(usb, "db-data"));
            var certs = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Directory, "certs", Day));
            var env = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.EnvFile, "env", Day.AddMinutes(1)));
            var volume = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(BackupKind.Volume, "photos", Day.AddMinutes(2)));
            Directory.CreateSymbolicLink(Path.Combine(_root, "prod", "directory", "certs", "deeper"), usb);

            var host = new RecordingHost();
            var records = ManifestStore.Enumerate(_root, host).Select(r => r.Path).ToList();

            Assert.Equal([certs, env, volume], records);
            Assert.Empty(host.Errors);
            var warning = Assert.Single(host.Warnings);
            Assert.Contains($"{Path.Combine(_root, "prod", "directory", "certs", "deeper")}: it is a symbolic link to a folder ({usb}) inside a backup's folder", warning, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(usb, recursive: true);
        }
    }

    private async Task<List<string>> ListAsync(GetBackupOptions options)
    {
        options.Path = [_root];
        var host = new RecordingHost();
        await new GetBackupHandler().ExecuteAsync(options, host, CancellationToken.None);
        Assert.Empty(host.Errors);
        return host.Output.Cast<BackupRecord>().Select(r => r.Path).ToList();
    }
}
