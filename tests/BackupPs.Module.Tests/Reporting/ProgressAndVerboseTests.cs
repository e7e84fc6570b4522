using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Reporting;

/// <summary>
/// What a user sees while a cmdlet runs: a progress bar per phase (a child bar for a phase with its own measure),
/// percent within 0..100 and never going back, every bar completed on success and on failure; verbose messages that
/// say what each cmdlet does and decides; and never the container's password in any of it.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class ProgressAndVerboseTests(SharedPostgresServer server) : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-progress-").FullName;

    [Fact]
    public void BackupDatabaseShowsTheDumpTheReadBackAndTheStoreAsPhasesWithTheReadBacksOwnPercent()
    {
        var result = _session.Invoke("Backup-Database -Container $args[0] -Environment dev -Path $args[1] -Verbose", server.Name, _store).AssertSucceeded();

        AssertWellFormed(result.Progress);
        var backup = Activity(result.Progress, "Backing up database app");
        Assert.Equal(["Step 1 of 3: dumping with pg_dump", "Step 2 of 3: reading the written file back", "Step 3 of 3: storing the backup and its manifest"],
            Steps(backup));
        var dump = Activity(result.Progress, "Dumping app");
        Assert.Equal(backup[0].ActivityId, dump[0].ParentActivityId);
        // The read-back has a bar of its own, measured against the file's known size (it used to sit at 87% of the dump's bar).
        var readBack = Activity(result.Progress, "Reading back app-dev-");
        Assert.Equal(backup[0].ActivityId, readBack[0].ParentActivityId);
        Assert.Contains(readBack, r => r.PercentComplete >= 0 && r.StatusDescription.EndsWith("MB read back", StringComparison.Ordinal));

        Assert.Contains(result.Verbose, v => v.StartsWith($"Connected to database app in container {server.Name}: PostgreSQL", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Backing up database app", StringComparison.Ordinal) && v.Contains(_store, StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Read back and checked in", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Stored ", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public void TestBackupShowsTheManifestAndTheFileChecksAndSaysEachChecksResult()
    {
        var path = Backup();
        var result = _session.Invoke("Test-Backup -Path $args[0] -Verbose", path).AssertSucceeded();

        AssertWellFormed(result.Progress);
        var test = Activity(result.Progress, "Testing app-dev-");
        Assert.Equal(["Step 1 of 2: reading the manifest", "Step 2 of 2: checking the file: hash, decompression, structure and rows"], Steps(test));
        var reading = Activity(result.Progress, "Reading app-dev-");
        Assert.Equal(test[0].ActivityId, reading[0].ParentActivityId);
        Assert.Contains(reading, r => r.PercentComplete >= 0);

        Assert.Contains(result.Verbose, v => v.StartsWith("Reading the manifest ", StringComparison.Ordinal));
        foreach (var check in new[] { "Manifest", "FileName", "Size", "Sha256", "Decompression", "Structure", "Metadata", "RowCounts" })
        {
            Assert.Contains(result.Verbose, v => v.StartsWith($"Check {check}: passed", StringComparison.Ordinal));
        }

        Assert.Contains(result.Verbose, v => v.StartsWith($"Tested {path} in ", StringComparison.Ordinal) && v.EndsWith("every check passed.", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public void TestBackupRestoreShowsTheDrillsStepsAndTheRestoresPreDataDataAndPostData()
    {
        var path = Backup();
        // ConfirmPreference None: the drill asks nothing, whatever ConfirmImpact Test-Backup -Restore declares.
        var result = _session.Invoke("$ConfirmPreference = 'None'; Test-Backup -Path $args[0] -Restore -Verbose", path).AssertSucceeded();
        Assert.True((bool)Assert.Single(result.Output).Properties["Passed"].Value);

        AssertWellFormed(result.Progress);
        var drill = Activity(result.Progress, "Testing app-dev-");
        Assert.Equal(5, Steps(drill).Count);
        Assert.StartsWith("Step 1 of 5: reading the manifest", Steps(drill)[0], StringComparison.Ordinal);
        Assert.StartsWith("Step 3 of 5: restoring into backupps_drill_", Steps(drill)[2], StringComparison.Ordinal);
        Assert.StartsWith("Step 4 of 5: counting the rows of", Steps(drill)[3], StringComparison.Ordinal);
        Assert.StartsWith("Step 5 of 5: dropping backupps_drill_", Steps(drill)[4], StringComparison.Ordinal);
        AssertRestorePhases(result.Progress, drill[0].ActivityId);

        Assert.Contains(result.Verbose, v => v.StartsWith($"Drilling in container {server.Name}: creating the drill database backupps_drill_", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Restoring the schema (pre-data)", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.Contains("counting the rows of the", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Dropping the drill database backupps_drill_", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Check RestoredRows: passed", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public void RestoreDatabaseShowsItsStepsAndTheRestoresPhases()
    {
        var path = Backup();
        const string copy = "progress_copy";
        try
        {
            var result = _session.Invoke("Restore-Database -Path $args[0] -Database $args[1] -Confirm:$false -Verbose", path, copy).AssertSucceeded();

            AssertWellFormed(result.Progress);
            var restore = Activity(result.Progress, "Restoring app-dev-", $"into database {copy} in container");
            var steps = Steps(restore);
            Assert.Equal(4, steps.Count);
            Assert.StartsWith("Step 1 of 4: creating the side database backupps_side_", steps[0], StringComparison.Ordinal);
            Assert.StartsWith("Step 2 of 4: restoring into backupps_side_", steps[1], StringComparison.Ordinal);
            Assert.StartsWith("Step 3 of 4: counting the rows of", steps[2], StringComparison.Ordinal);
            Assert.StartsWith($"Step 4 of 4: putting backupps_side_", steps[3], StringComparison.Ordinal);
            AssertRestorePhases(result.Progress, restore[0].ActivityId);

            Assert.Contains(result.Verbose, v => v.StartsWith("Creating the side database backupps_side_", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.StartsWith("Data loaded in", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.StartsWith("Counting the rows of the", StringComparison.Ordinal));
            Assert.Contains(result.Verbose, v => v.StartsWith($"Restored and verified in backupps_side_", StringComparison.Ordinal));
            AssertNoSecret(result);
        }
        finally
        {
            server.Psql($"drop database if exists {copy}", "postgres");
        }
    }

    [Fact]
    public void EveryBarIsCompletedWhenARestoreOrATestFails()
    {
        var path = Backup();
        Damage(path);
        const string copy = "progress_damaged";
        try
        {
            var restore = _session.Invoke("Restore-Database -Path $args[0] -Database $args[1] -Confirm:$false -Verbose", path, copy);
            var error = Assert.Single(restore.Errors);
            Assert.Equal("RestoreFailed,BackupPs.Commands.RestoreDatabaseCommand", error.FullyQualifiedErrorId);
            AssertWellFormed(restore.Progress);
            Assert.Contains(restore.Verbose, v => v.StartsWith("The restore into backupps_side_", StringComparison.Ordinal) && v.Contains("failed after", StringComparison.Ordinal));
            AssertNoSecret(restore);
        }
        finally
        {
            server.Psql($"drop database if exists {copy}", "postgres");
        }

        var test = _session.Invoke("Test-Backup -Path $args[0] -Verbose", path);
        Assert.Equal("BackupTestFailed,BackupPs.Commands.TestBackupCommand", Assert.Single(test.Errors).FullyQualifiedErrorId);
        AssertWellFormed(test.Progress);
        Assert.Contains(test.Verbose, v => v.StartsWith("Check Sha256: FAILED", StringComparison.Ordinal));
    }

    [Fact]
    public void GetBackupSaysWhichStoreAndManifestsItReadsAndShowsItsProgress()
    {
        Backup();
        var result = _session.Invoke("Get-Backup -Path $args[0] -Environment dev -Verbose", _store).AssertSucceeded();

        Assert.Single(result.Output);
        AssertWellFormed(result.Progress);
        Assert.NotEmpty(Activity(result.Progress, $"Reading the backups in {_store}"));
        Assert.Contains($"Looking for manifests (*.manifest.json) under {_store}.", result.Verbose);
        Assert.Contains($"Found 1 manifest(s) under {_store}.", result.Verbose);
        Assert.Contains(result.Verbose, v => v.StartsWith($"Reading the manifest {_store}/dev/app/app-dev-", StringComparison.Ordinal));
        Assert.Contains($"Listed 1 backup(s) from {_store} that match -Environment dev.", result.Verbose);
        AssertNoSecret(result);
    }

    [Fact]
    public void AStoreFolderThatCannotBeCreatedSaysWhyInsteadOfAFailedWrite()
    {
        var result = _session.Invoke("Backup-Database -Container $args[0] -Environment dev -Path /proc/backupps-store", server.Name);
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.StartsWith("DestinationNotWritable,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.StartsWith("The destination '/proc' is not writable (the folder 'backupps-store' cannot be created in it", error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not find file", error.Exception.Message, StringComparison.Ordinal);
        AssertWellFormed(result.Progress);
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    private string Backup() =>
        (string)_session.Invoke("(Backup-Database -Container $args[0] -Environment dev -Path $args[1]).Path", server.Name, _store).AssertSucceeded().Output[0].BaseObject;

    /// <summary>Flips bytes in the middle of the file: the size stays as recorded, the hash and the data do not.</summary>
    private static void Damage(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = file.Length / 2;
        var bytes = new byte[16];
        file.ReadExactly(bytes);
        file.Position = file.Length / 2;
        file.Write(bytes.Select(b => (byte)~b).ToArray());
    }

    /// <summary>The records of the one activity whose name starts with <paramref name="prefix"/> (and contains <paramref name="part"/>).</summary>
    private static List<ProgressRecord> Activity(IReadOnlyList<ProgressRecord> progress, string prefix, string part = "")
    {
        var id = Assert.Single(progress.Where(r => r.Activity.StartsWith(prefix, StringComparison.Ordinal) && r.Activity.Contains(part, StringComparison.Ordinal))
            .Select(r => r.ActivityId).Distinct());
        return progress.Where(r => r.ActivityId == id).ToList();
    }

    /// <summary>The distinct "Step n of m: ..." statuses of an activity, in order.</summary>
    private static List<string> Steps(List<ProgressRecord> activity) =>
        activity.Select(r => r.StatusDescription).Where(s => s.StartsWith("Step ", StringComparison.Ordinal)).Distinct().ToList();

    /// <summary>The restore under <paramref name="parentId"/>: pre-data, data (with a bar of the file loaded) and post-data.</summary>
    private static void AssertRestorePhases(IReadOnlyList<ProgressRecord> progress, int parentId)
    {
        var restore = Activity(progress, "Restoring app-dev-", "into database backupps_");
        Assert.All(restore, r => Assert.Equal(parentId, r.ParentActivityId));
        Assert.Equal(["Step 1 of 3: the schema (pre-data)", "Step 2 of 3: the data", "Step 3 of 3: indexes and constraints (post-data)"], Steps(restore));
        var loading = Activity(progress, "Loading the data of app-dev-");
        Assert.All(loading, r => Assert.Equal(restore[0].ActivityId, r.ParentActivityId));
        Assert.Contains(loading, r => r.PercentComplete >= 0 && r.StatusDescription.EndsWith("MB loaded", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every activity ends with exactly one Completed record and nothing after it; percent is -1 (unknown) or 0..100
    /// and never goes back; a parent is an activity of the same run.
    /// </summary>
    private static void AssertWellFormed(IReadOnlyList<ProgressRecord> progress)
    {
        var ids = progress.Select(r => r.ActivityId).ToHashSet();
        foreach (var activity in progress.GroupBy(r => r.ActivityId))
        {
            var records = activity.ToList();
            Assert.True(records[^1].RecordType == ProgressRecordType.Completed, $"{records[0].Activity} was never completed");
            Assert.Single(records, r => r.RecordType == ProgressRecordType.Completed);
            Assert.All(records, r => Assert.InRange(r.PercentComplete, -1, 100));
            var known = records.Select(r => r.PercentComplete).Where(p => p >= 0).ToList();
            Assert.True(known.Zip(known.Skip(1)).All(pair => pair.First <= pair.Second), $"{records[0].Activity} went back: {string.Join(", ", known)}");
            Assert.True(records[0].ParentActivityId == -1 || ids.Contains(records[0].ParentActivityId), $"{records[0].Activity} names an unknown parent");
        }
    }

    /// <summary>The container's password appears in no text the session showed: progress, verbose, warnings, errors.</summary>
    private static void AssertNoSecret(SessionResult result)
    {
        var texts = result.Progress.SelectMany(r => new[] { r.Activity, r.StatusDescription, r.CurrentOperation })
            .Concat(result.Verbose).Concat(result.Warnings).Concat(result.HostLines)
            .Concat(result.Errors.SelectMany(e => new[] { e.ToString(), e.Exception.Message, e.Exception.InnerException?.Message }))
            .Append(result.Terminating?.Message);
        Assert.DoesNotContain(texts, t => t?.Contains(PostgresContainer.Password, StringComparison.Ordinal) == true);
    }
}
