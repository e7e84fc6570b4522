using System.Globalization;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Restore;

/// <summary>
/// A private folder (0700) in the target container's /tmp for one custom-format restore: the archive's
/// header and TOC as a file (a complete archive without data, which pg_restore reads for the pre-data
/// and post-data sections, and seeks in for parallel jobs), the list of entries the data-section
/// pg_restore keeps, and the FIFOs the loaders read. Made by one exec, removed by one exec.
/// </summary>
internal sealed class ContainerWorkspace : IAsyncDisposable
{
    private readonly DockerClient _docker;
    private readonly DatabaseTarget _into;
    private int _disposed;

    private ContainerWorkspace(DockerClient docker, DatabaseTarget into, string path)
    {
        _docker = docker;
        _into = into;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The archive without its data blocks.</summary>
    public string TableOfContents => Path + "/toc.dump";

    /// <summary>The TOC with data positions, extended (sparse) to the archive's length; see <see cref="WriteSizedTableOfContentsAsync"/>.</summary>
    public string SizedTableOfContents => Path + "/sized.dump";

    /// <summary>A pg_restore -L list: one dump ID per line.</summary>
    public string List => Path + "/list";

    /// <summary>A second -L list, for a step that restores only some entries (see <see cref="WriteListAsync"/>).</summary>
    public string OtherList => Path + "/other-list";

    public static string FifoName(int index) => "in" + index.ToString(CultureInfo.InvariantCulture);

    public static async Task<ContainerWorkspace> CreateAsync(DockerClient docker, DatabaseTarget into, byte[] tableOfContents, IEnumerable<int> listed,
        int fifos, CancellationToken cancellationToken)
    {
        var path = $"/tmp/.backupps-{Guid.NewGuid():N}";
        var mkfifo = fifos > 0 ? " && mkfifo " + string.Join(' ', Enumerable.Range(0, fifos).Select(FifoName)) : "";
        // The dump IDs are numbers and the names are ours: nothing here needs quoting beyond "$0".
        string[] command =
        [
            "sh", "-c", "umask 077 && mkdir \"$0\" && cd \"$0\" && cat > toc.dump && shift && printf '%s\\n' \"$@\" > list" + mkfifo,
            path, .. listed.Select(id => id.ToString(CultureInfo.InvariantCulture)),
        ];
        var workspace = new ContainerWorkspace(docker, into, path);
        ExecResult made;
        using (var input = new MemoryStream(tableOfContents, writable: false))
        {
            made = await docker.ExecAsync(into.Container.Id, new ExecRequest { Cmd = command }, input, Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        if (made.ExitCode != 0)
        {
            await workspace.DisposeAsync().ConfigureAwait(false);

            // A container killed under the exec ends it too (exit 137): that, not /tmp, is then the cause to report.
            ContainerReadiness.RequireRunning(await docker.InspectContainerAsync(into.Container.Id, cancellationToken).ConfigureAwait(false));
            throw new BackupPsException("RestoreStagingFailed", FailureCategory.WriteError,
                $"The restore could not prepare its folder in {into.Container.Name}:/tmp ({DatabaseTarget.FirstLine(made.Stderr)}); make /tmp in the container writable and retry.")
            { Target = into.Container.Name };
        }

        return workspace;
    }

    /// <summary>
    /// Writes <see cref="SizedTableOfContents"/>: the TOC with its data positions filled in, extended to
    /// the archive's length without allocating space (pg_restore takes the last block's size from the
    /// file's end). False when that could not be done; the plain TOC then serves.
    /// </summary>
    public async Task<bool> WriteSizedTableOfContentsAsync(byte[] tableOfContents, long archiveLength, CancellationToken cancellationToken)
    {
        string[] command =
        [
            "sh", "-c", "cat > \"$0\" && truncate -s \"$1\" \"$0\"",
            SizedTableOfContents, archiveLength.ToString(CultureInfo.InvariantCulture),
        ];
        using var input = new MemoryStream(tableOfContents, writable: false);
        var written = await _docker.ExecAsync(_into.Container.Id, new ExecRequest { Cmd = command }, input, Stream.Null, cancellationToken).ConfigureAwait(false);
        return written.ExitCode == 0;
    }

    /// <summary>Writes a pg_restore -L list of <paramref name="dumpIds"/> to <paramref name="path"/>, a file of this folder.</summary>
    public async Task WriteListAsync(string path, IEnumerable<int> dumpIds, CancellationToken cancellationToken)
    {
        var text = string.Concat(dumpIds.Select(id => id.ToString(CultureInfo.InvariantCulture) + "\n"));
        using var input = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text), writable: false);
        var written = await _docker.ExecAsync(_into.Container.Id, new ExecRequest { Cmd = ["sh", "-c", "cat > \"$0\"", path] }, input, Stream.Null, cancellationToken)
            .ConfigureAwait(false);
        if (written.ExitCode != 0)
        {
            throw new BackupPsException("RestoreStagingFailed", FailureCategory.WriteError,
                $"The restore could not write its list in {_into.Container.Name}:{Path} ({DatabaseTarget.FirstLine(written.Stderr)}); make /tmp in the container writable and retry.")
            { Target = _into.Container.Name };
        }
    }

    /// <summary>FIFO number <paramref name="index"/>, or null when this process cannot reach it (the program then reads its stdin).</summary>
    public ContainerFifo? Fifo(int index) => ContainerFifo.Existing(_docker, _into.Container, Path + "/" + FifoName(index));

    /// <summary>Best effort, and not cancellable: this runs on the way out of a cancelled restore too. Only the first call removes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _docker.ExecAsync(_into.Container.Id, new ExecRequest { Cmd = ["rm", "-rf", Path] }, Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException)
        {
            // A stopped container keeps the folder in its /tmp; it holds schema, no data and no secrets.
        }
    }
}
