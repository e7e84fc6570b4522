using System.Diagnostics;
using BackupPs.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Proves the restore round-trip yardstick itself: tests/rig/rich-schema.sql loads the same way every time, and
/// DatabaseFingerprint notices a changed row, sequence position, large object, owner and grant.
/// </summary>
public sealed class RichSchemaFixtureTests(RichSchemaFixtureTests.Server pg, ITestOutputHelper output)
    : IClassFixture<RichSchemaFixtureTests.Server>
{
    /// <summary>An empty server (scale 0) with the rich schema loaded into database <c>rich_a</c>.</summary>
    public sealed class Server() : PostgresContainer(scale: 0), IAsyncLifetime
    {
        public const string Reference = "rich_a";

        public DatabaseFingerprint ReferenceFingerprint { get; private set; } = new(new Dictionary<string, string>());

        /// <summary>A fresh copy of the reference database (CREATE DATABASE ... TEMPLATE: faster than loading the script again).</summary>
        public string CopyOfReference(string database)
        {
            Psql($"create database {database} template {Reference}", "postgres");
            return database;
        }

        async Task IAsyncLifetime.InitializeAsync()
        {
            await InitializeAsync();
            this.LoadRichSchema(Reference);
            ReferenceFingerprint = DatabaseFingerprint.Take(this, Reference);
        }
    }

    [Fact]
    public void TwoLoadsOfTheRichSchemaHaveTheSameFingerprint()
    {
        pg.LoadRichSchema("rich_same");
        var watch = Stopwatch.StartNew();
        var fingerprint = DatabaseFingerprint.Take(pg, "rich_same");
        output.WriteLine($"Take: {watch.ElapsedMilliseconds} ms, {fingerprint.Facts.Count} facts");

        fingerprint.AssertSameAs(pg.ReferenceFingerprint);
        Assert.Equal(pg.ReferenceFingerprint, fingerprint);
        Assert.Empty(fingerprint.DifferencesFrom(pg.ReferenceFingerprint));

        // Re-running the script over itself (it drops what it owns first) changes nothing either.
        pg.LoadRichSchema("rich_same");
        DatabaseFingerprint.Take(pg, "rich_same").AssertSameAs(pg.ReferenceFingerprint);

        // The facts the restore tests lean on are really there.
        var facts = fingerprint.Facts;
        Assert.StartsWith("3:", facts["table:public._prisma_migrations"]);
        Assert.StartsWith("1000:", facts["table:\"Sales Data\".\"Order Lines\""]);
        Assert.StartsWith("1200:", facts["table:rich.events"]);
        foreach (var partition in new[] { "events_2024_q1", "events_2024_q2", "events_2024_q3", "events_default" })
        {
            Assert.DoesNotMatch("^0:", facts["table:rich." + partition]);
            Assert.Contains("partition-of=rich.events", facts["relation:rich." + partition]);
        }

        Assert.StartsWith("56:", facts["matview:rich.monthly_events"]);
        Assert.StartsWith("last_value=7777 is_called=t ", facts["sequence:rich.invoice_number_seq"]);
        Assert.StartsWith("last_value=42 is_called=f ", facts["sequence:rich.spare_seq"]);
        Assert.Equal("45:1be92f0386a9e154f6285ce8fc21eb31", facts["lo:910001"]);
        Assert.Equal("20000:7267b8cdf68cca8332830731afb0a762", facts["lo:910002"]);
        Assert.Equal("0:d41d8cd98f00b204e9800998ecf8427e", facts["lo:910003"]);
        Assert.Equal("{sad,meh,ok,happy}", facts["enum:rich.mood"]);
        Assert.Equal("bps_owner", facts["owner:rich.loyalty_tiers"]);
        Assert.Contains("bps_reader=r/app", facts["acl:rich.customers"]);
        Assert.Contains("generated always as", facts["column:\"Sales Data\".\"Order Lines\".\"Line Total\""]);
        Assert.Contains("comment:column Line Note of table \"Sales Data\".\"Order Lines\"", facts.Keys);
        Assert.Contains("trigger:rich.ledger.ledger_apply", facts.Keys);
        Assert.Contains("routine:rich.post_entry(IN p_account integer, IN p_amount numeric, IN p_at timestamp with time zone, IN p_memo text)", facts.Keys);
        Assert.Contains("USING gin", facts["index:rich.customers_profile_gin"]);
    }

    [Fact]
    public void NoticesAChangedRowSequenceAndLargeObject()
    {
        var database = pg.CopyOfReference("rich_changed");
        pg.Psql("""
            update "Sales Data"."Order Lines" set "Line Note" = 'changed' where id = 7;
            select setval('rich.spare_seq', 42, true);
            select lo_put(910002, 100, '\x00');
            """, database);

        var differences = DatabaseFingerprint.Take(pg, database).DifferencesFrom(pg.ReferenceFingerprint);

        Assert.Equal(["lo:910002", "sequence:rich.spare_seq", "table:\"Sales Data\".\"Order Lines\""],
            differences.Select(d => d[..d.IndexOf(": expected ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("sequence:rich.spare_seq: expected last_value=42 is_called=f ", StringComparison.Ordinal)
                                          && d.Contains(", found last_value=42 is_called=t ", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("table:\"Sales Data\".\"Order Lines\": expected 1000:", StringComparison.Ordinal));
    }

    [Fact]
    public void OwnersAndGrantsAreSeparateFactsThatWithoutCanIgnore()
    {
        var database = pg.CopyOfReference("rich_owners");
        pg.Psql("""
            alter table rich.loyalty_tiers owner to app;
            revoke select on rich.customers from bps_reader;
            drop table rich.reservations;
            """, database);

        var found = DatabaseFingerprint.Take(pg, database);
        var differences = found.DifferencesFrom(pg.ReferenceFingerprint);

        Assert.Contains("owner:rich.loyalty_tiers: expected bps_owner, found app", differences);
        Assert.Contains(differences, d => d.StartsWith("acl:rich.customers: expected ", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("table:rich.reservations: expected 0:", StringComparison.Ordinal)
                                          && d.EndsWith(", found (absent)", StringComparison.Ordinal));
        var ignoringOwners = found.Without("owner:", "acl:").DifferencesFrom(pg.ReferenceFingerprint.Without("owner:", "acl:"));
        Assert.NotEmpty(ignoringOwners);
        Assert.All(ignoringOwners, d => Assert.Contains("reservations", d, StringComparison.Ordinal));

        var failure = Assert.ThrowsAny<Exception>(() => found.AssertSameAs(pg.ReferenceFingerprint));
        Assert.Contains("owner:rich.loyalty_tiers: expected bps_owner, found app", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DifferencesAreOneReadableLinePerFactInKeyOrder()
    {
        var expected = new DatabaseFingerprint(new Dictionary<string, string> { ["b"] = "1", ["a"] = "x", ["c"] = "gone" });
        var found = new DatabaseFingerprint(new Dictionary<string, string> { ["a"] = "x", ["b"] = "2", ["d"] = "new" });

        Assert.Equal(["b: expected 1, found 2", "c: expected gone, found (absent)", "d: expected (absent), found new"],
            found.DifferencesFrom(expected));
        Assert.Empty(expected.DifferencesFrom(expected));
        Assert.NotEqual(expected, found);
        Assert.Equal(expected, DatabaseFingerprint.Parse("a\0x\0b\u00001\0c\0gone\0"));
        Assert.Throws<FormatException>(() => DatabaseFingerprint.Parse("a\0x\0b"));
    }
}
