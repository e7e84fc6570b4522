using System.Globalization;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Restore;

/// <summary>
/// A private folder (0700) in the target container for one custom-format restore, in /tmp or, in a
/// read-only container, another writable place (<see cref="ContainerScratch"/>): the archive's
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
        var name = ContainerScratch.NewName();
        var directories = into.ScratchDirectories;
        var mkfifo = fifos > 0 ? " && mkfifo " + string.Join(' ', Enumerable.Range(0, fifos).Select(FifoName)) : "";
        // The dump IDs are numbers ("$@"; "$0" is a placeholder) and the names are ours: nothing needs quoting.
        // The chosen folder is printed first, so it is removed even when a later step fails.
        string[] command =
        [
            "sh", "-c", "umask 077 && " + ContainerScratch.Choose("mkdir", name)
                + "printf '%s\\n' \"$p\" && cd \"$p\" && cat > toc.dump && printf '%s\\n' \"$@\" > list" + mkfifo,
            "sh", .. listed.Select(id => id.ToString(CultureInfo.InvariantCulture)),
        ];
        ExecResult made;
        using var stdout = new MemoryStream();
        ContainerWorkspace? Chosen() => ContainerScratch.ChosenPath(stdout, name) is { } path ? new ContainerWorkspace(docker, into, path) : null;
        try
        {
            using var input = new MemoryStream(tableOfContents, writable: false);
            made = await docker.ExecAsync(into.Container.Id, new ExecRequest { Cmd = command, Env = [ContainerScratch.Environment(directories)] },
                input, stdout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled (or the exec broke), perhaps after the folder was made and before its path was read: it goes too.
            await ContainerScratch.RemoveEverywhereAsync(docker, into.Container.Id, directories, name).ConfigureAwait(false);
            throw;
        }

        var workspace = Chosen();
        if (made.ExitCode != 0 || workspace is null)
        {
            if (workspace is not null)
            {
                await workspace.DisposeAsync().ConfigureAwait(false);
            }

            // A container killed under the exec ends it too (exit 137): that, not the folder, is then the cause to report.
            ContainerReadiness.RequireRunning(await docker.InspectContainerAsync(into.Container.Id, cancellationToken).ConfigureAwait(false));
            var reasons = ContainerScratch.Reasons(made.Stderr);
            throw new BackupPsException("RestoreStagingFailed", FailureCategory.WriteError, workspace is null
                    ? $"The restore could not prepare its folder in container {into.Container.Name}: {ContainerScratch.Remedy(directories)} ({reasons})."
                    : $"The restore could not prepare its folder {into.Container.Name}:{workspace.Path} ({reasons}); free space there, or give the container a writable /tmp, and retry.")
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
                $"The restore could not write its list in {_into.Container.Name}:{Path} ({DatabaseTarget.FirstLine(written.Stderr)}); free space there, or give the container a writable /tmp, and retry.")
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

        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromSeconds(30));
        try
        {
            await _docker.ExecAsync(_into.Container.Id, new ExecRequest { Cmd = ["rm", "-rf", Path] }, Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException)
        {
            // A stopped container keeps the folder (a tmpfs one goes with it); it holds schema, no data and no secrets. The next run removes it.
            OperationRun.NoteLeftBehind($"the folder {Path} in container {_into.Container.Name}");
        }
    }
}
