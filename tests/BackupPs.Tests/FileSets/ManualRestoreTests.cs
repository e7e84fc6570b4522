using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// The README's "Restoring by hand" commands for file sets, run exactly as written on a real artifact: GNU tar with zstd
/// or gzip gives back the tree (owners, modes incl. setuid, mtimes, symbolic and hard links, empty folders), the artifact's
/// SHA-256 matches the manifest's, and every file's matches its entry.
/// </summary>
public sealed class ManualRestoreTests : IDisposable
{
    private readonly FileSetScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Theory]
    [InlineData(CompressionKind.Zstd, "zstd -dc")]
    [InlineData(CompressionKind.Gzip, "gzip -dc")]
    public async Task TheReadmeCommandsRestoreAndCheckATree(CompressionKind compression, string decompress)
    {
        _scratch.Sh("""
            mkdir -p live/archive empty && printf 'cert' > live/archive/cert1.pem && printf 'key' > live/archive/privkey1.pem
            ln -s archive/cert1.pem live/cert.pem && ln live/archive/cert1.pem cert-copy.pem
            printf '#!/bin/sh\n' > renew.sh && chmod 4750 renew.sh && chmod 0600 live/archive/privkey1.pem
            chown 1234:5678 live/archive/privkey1.pem && chmod 2775 live
            """);
        var record = await _scratch.BackupAsync(new RecordingHost(), _scratch.Spec() with { Compression = compression });
        var destination = Path.Combine(_scratch.Root, "restored");
        var manifest = record.ManifestPath;

        // As in the README: extract, then prove the artifact and every file against the manifest.
        Run($"mkdir -p '{destination}' && {decompress} '{record.Path}' | tar -xpf - --numeric-owner --xattrs --xattrs-include='*' -C '{destination}'");
        Run($"echo \"$(jq -r .Sha256 '{manifest}')  {record.Path}\" | sha256sum -c --quiet");
        Run($"jq -r '.Files[] | select(.Type == \"File\") | \"\\(.Sha256)  \\(.Path)\"' '{manifest}' | (cd '{destination}' && sha256sum -c --quiet)");

        Assert.Equal(FileSetScratch.Facts(_scratch.Source), FileSetScratch.Facts(destination));
    }

    private static void Run(string command)
    {
        var result = ProcessRunner.Run("bash", ["-c", command]);
        Assert.True(result.ExitCode == 0, $"'{command}' failed: {result.Stderr}{result.Stdout}");
    }
}
