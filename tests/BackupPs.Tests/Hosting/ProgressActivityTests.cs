using BackupPs.Cli;
using BackupPs.Core.Commands;
using BackupPs.Core.Hosting;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Hosting;

/// <summary>
/// The rules every progress record follows (<see cref="ProgressActivity"/>) and how the CLI draws them on a terminal
/// (<see cref="ConsoleHost"/>): one line, the newest activity's, its parent's again when a phase ends, cleared at the end.
/// </summary>
public sealed class ProgressActivityTests
{
    [Fact]
    public void StepsGiveThePercentOfTheStepsDoneAndAChildNamesItsParent()
    {
        var host = new RecordingHost();
        using (var operation = ProgressActivity.Start(host, "Backing up app", "Starting"))
        {
            operation.Step(1, 3, "dumping with pg_dump");
            operation.Step(2, 3, "reading the written file back");
            using (var reading = operation.Child("Reading back app.dump.zst", "Starting"))
            {
                reading.Bytes(5 << 20, 10 << 20, "read back");
            }

            operation.Step(3, 3, "storing the backup and its manifest");
        }

        var records = host.Progress.ToArray();
        var parent = records[0].ActivityId;
        Assert.Equal(["Starting", "Step 1 of 3: dumping with pg_dump", "Step 2 of 3: reading the written file back", "Step 3 of 3: storing the backup and its manifest"],
            records.Where(r => r.ActivityId == parent && !r.Completed).Select(r => r.Status));
        Assert.Equal([-1, 0, 33, 66], records.Where(r => r.ActivityId == parent && !r.Completed).Select(r => r.PercentComplete));
        var child = records.Where(r => r.ActivityId != parent).ToArray();
        Assert.All(child, r => Assert.Equal(parent, r.ParentActivityId));
        Assert.Contains(child, r => r.Status == "5 of 10 MB read back" && r.PercentComplete == 50);
        Assert.True(child[^1].Completed);
        Assert.True(records[^1].Completed && records[^1].ActivityId == parent);
        Assert.All(records.Where(r => r.ActivityId == parent), r => Assert.Equal(-1, r.ParentActivityId));
    }

    [Fact]
    public void PercentNeverGoesBackNorReaches100BeforeTheEndAndCompletesOnce()
    {
        var host = new RecordingHost();
        var activity = ProgressActivity.Start(host, "Loading", "Starting");
        activity.Step(3, 4, "late");
        activity.Step(1, 4, "early again");
        activity.Dispose();
        activity.Dispose();
        activity.Status("after the end");

        var records = host.Progress.ToArray();
        Assert.Equal([-1, 50, 50, 50], records.Select(r => r.PercentComplete));
        Assert.Single(records, r => r.Completed);
        Assert.True(records[^1].Completed);

        var bytes = new RecordingHost();
        using (var reading = ProgressActivity.Start(bytes, "Reading", "Starting"))
        {
            // A file that grew since its size was taken: still below 100 until the phase ends.
            reading.Bytes(20 << 20, 10 << 20, "read");
        }

        Assert.Equal(99, bytes.Progress.ElementAt(1).PercentComplete);
    }

    [Fact]
    public void ActivityIdsAreUniqueAcrossOperations()
    {
        var host = new RecordingHost();
        using var first = ProgressActivity.Start(host, "One", "Starting");
        using var second = ProgressActivity.Start(host, "Two", "Starting");
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public void TheCliDrawsTheNewestActivityThenItsParentAgainAndClearsAtTheEnd()
    {
        var error = new StringWriter();
        var host = new ConsoleHost(Flags("--verbose"), CommandImpact.Medium, TextWriter.Null, error, terminal: true);
        using (var operation = ProgressActivity.Start(host, "Backing up app", "Starting"))
        {
            operation.Step(2, 3, "reading the written file back");
            using (var reading = operation.Child("Reading back app.dump.zst", "Starting"))
            {
                reading.Bytes(5 << 20, 10 << 20, "read back");
                host.WriteVerbose("A message while a bar is drawn.");
            }

            operation.Step(3, 3, "storing the backup and its manifest");
        }

        var draws = error.ToString().Split("\r\u001b[K");
        Assert.Contains("Backing up app: 33% Step 2 of 3: reading the written file back", draws);
        Assert.Contains("Reading back app.dump.zst: 50% 5 of 10 MB read back", draws);
        // The verbose line goes above the bar (the line is cleared first) and the bar is drawn again under it.
        Assert.Contains(draws, d => d.StartsWith("VERBOSE: A message while a bar is drawn." + Environment.NewLine, StringComparison.Ordinal));
        // When the read-back ends, the operation's line is back; at the end the line is cleared.
        var afterChild = Array.FindLastIndex(draws, d => d.StartsWith("Reading back", StringComparison.Ordinal));
        Assert.Equal("Backing up app: 33% Step 2 of 3: reading the written file back", draws[afterChild + 1]);
        Assert.Equal("", draws[^1]);
    }

    [Fact]
    public void AnOutputRecordOnATerminalClearsTheProgressLineFirstAndItIsDrawnAgainAfter()
    {
        var screen = new StringWriter();
        var host = new ConsoleHost(Flags("--json"), CommandImpact.Medium, screen, screen, terminal: true);
        using (var test = ProgressActivity.Start(host, "Testing app.dump.zst", "Starting"))
        {
            test.Step(2, 2, "checking the file");
            host.WriteOutput(new { Passed = true });
        }

        Assert.Equal("\r\u001b[KTesting app.dump.zst: Starting\r\u001b[KTesting app.dump.zst: 50% Step 2 of 2: checking the file\r\u001b[K"
            + "{\"Passed\":true}" + Environment.NewLine + "\r\u001b[KTesting app.dump.zst: 50% Step 2 of 2: checking the file\r\u001b[K", screen.ToString());
    }

    [Fact]
    public void TheCliDrawsNoProgressWhenStderrIsNoTerminalAndKeepsErrorsOnOneLine()
    {
        var error = new StringWriter();
        var host = new ConsoleHost(Flags(), CommandImpact.Medium, TextWriter.Null, error, terminal: false);
        using (var operation = ProgressActivity.Start(host, "Backing up app", "Starting"))
        {
            operation.Step(1, 3, "dumping with pg_dump");
        }

        host.WriteError(new BackupPs.Core.Errors.BackupPsException("PgDumpFailed", BackupPs.Core.Errors.FailureCategory.InvalidOperation,
            "pg_dump of app failed (exit code 1): ERROR: out of shared memory\nHINT: You might need to increase max_locks_per_transaction.; nothing was kept."));
        Assert.Equal("backupps: pg_dump of app failed (exit code 1): ERROR: out of shared memory HINT: You might need to increase max_locks_per_transaction.; nothing was kept. [PgDumpFailed]"
            + Environment.NewLine, error.ToString());
    }

    private static GlobalFlags Flags(params string[] flags) =>
        CommandLine.Parse(["get-backup", .. flags], _ => null).Flags;
}
