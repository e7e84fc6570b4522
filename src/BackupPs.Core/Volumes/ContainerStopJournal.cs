using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Volumes;

/// <summary>
/// The containers a run stopped (Backup-Volume -StopContainer, Restore-Volume -Replace), written down in the store
/// BEFORE each is stopped, so that a run killed before its <c>finally</c> started them again leaves a note the next run
/// reads: <see cref="RecoverAsync"/> (called by every Backup-Volume and Restore-Volume on that store) starts them and
/// says so. One file per run, &lt;store&gt;/.backupps/stopped-containers/&lt;owner token&gt;-&lt;random&gt;.json (0600, folders
/// 0700), removed when the run has started all its containers again. The owner token (<see cref="ResourceOwner"/>) tells
/// a run that still goes on (its containers stay stopped) from one that is gone.
/// </summary>
internal sealed class ContainerStopJournal
{
    /// <summary>The journals' folder under the store root.</summary>
    public static readonly string FolderName = System.IO.Path.Combine(".backupps", "stopped-containers");

    /// <summary>A journal of another host's run (which cannot be asked) counts as abandoned after this long.</summary>
    private static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly string _path;
    private readonly string _purpose;
    private readonly List<JournalContainer> _stopped = [];

    /// <summary>Whether the file exists: a run that stopped nothing never writes one.</summary>
    private bool _written;

    private ContainerStopJournal(string path, string purpose)
    {
        _path = path;
        _purpose = purpose;
    }

    /// <summary>The file, once something was written to it.</summary>
    public string Path => _path;

    /// <summary>The containers stopped so far, in stop order.</summary>
    public IReadOnlyList<string> StoppedNames => _stopped.Select(c => c.Name).ToList();

    /// <summary>A journal for this run in <paramref name="storeRoot"/>; nothing is written until <see cref="StopAsync"/>.</summary>
    /// <param name="purpose">What the run does ("Backup-Volume of volume data"), for the warning of the run that recovers it.</param>
    public static ContainerStopJournal Begin(string storeRoot, string purpose)
    {
        var name = $"{ResourceOwner.Current.Token}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}.json";
        OperationRun.Hold(name);
        return new ContainerStopJournal(System.IO.Path.Combine(storeRoot, FolderName, name), purpose);
    }

    /// <summary>
    /// Stops <paramref name="container"/> with its own stop signal and grace period (as <c>docker stop</c>), after recording
    /// it here. Returns false when it had stopped meanwhile (then it is not started again either).
    /// </summary>
    public async Task<bool> StopAsync(DockerClient docker, DockerContainerDetails container, IOperationHost host, CancellationToken cancellationToken)
    {
        _stopped.Add(new JournalContainer(container.Id, container.Name));
        Write();
        host.WriteVerbose($"Stopping container {container.Name} (recorded in {_path}, so it is started again even if this run is killed).");
        if (await docker.StopContainerAsync(container.Id, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        _stopped.RemoveAt(_stopped.Count - 1);
        Write();
        return false;
    }

    /// <summary>
    /// Starts every container this run stopped, in reverse order, and removes the journal when all are running. Never
    /// throws: a container that cannot be started is a warning naming it (and stays in the journal, for the next run).
    /// Runs in <c>finally</c>, on its own cleanup timeout (<see cref="OperationRun.CleanupTimeout"/>), also after Ctrl+C.
    /// </summary>
    /// <returns>The names of the containers started again.</returns>
    public async Task<IReadOnlyList<string>> StartAllAsync(DockerClient docker, IOperationHost host)
    {
        var started = new List<string>();
        for (var i = _stopped.Count - 1; i >= 0; i--)
        {
            var container = _stopped[i];
            using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(2));
            try
            {
                await docker.StartContainerAsync(container.Id, timeout.Token).ConfigureAwait(false);
                host.WriteVerbose($"Started container {container.Name} again.");
                started.Add(container.Name);
                _stopped.RemoveAt(i);
            }
            catch (BackupPsException e) when (e.ErrorId == DockerErrorIds.DockerContainerNotFound)
            {
                host.WriteWarning($"Container {container.Name}, stopped for the copy, was removed meanwhile, so it is not started again.");
                _stopped.RemoveAt(i);
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException)
            {
                host.WriteWarning($"Container {container.Name}, stopped for the copy, could not be started again ({e.Message}); start it with docker start {container.Name}. "
                    + "The next Backup-Volume or Restore-Volume on this store tries again.");
                OperationRun.NoteLeftBehind($"container {container.Name} stopped");
            }
        }

        try
        {
            if (_written && _stopped.Count == 0)
            {
                File.Delete(_path);
            }
            else if (_stopped.Count > 0)
            {
                Write();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.WriteWarning($"The journal {_path} could not be updated ({StorageErrors.Cause(e)}); remove it once the containers it names run.");
        }

        started.Reverse();
        return started;
    }

    /// <summary>
    /// Starts the containers that runs which ended without doing so (killed, crashed, a power cut) left stopped, as their
    /// journals in <paramref name="storeRoot"/> name them, and removes those journals; each one started is a warning. A
    /// journal of a run that still goes on is left alone, one of another host's run only when older than an hour. Best
    /// effort: what cannot be read or started is a warning, never a reason to fail the run that looked.
    /// </summary>
    public static async Task RecoverAsync(DockerClient docker, string storeRoot, IOperationHost host, CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.Combine(storeRoot, FolderName);
        string[] files;
        try
        {
            files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.WriteWarning($"Could not look for containers that interrupted runs left stopped in {folder} ({StorageErrors.Cause(e)}).");
            return;
        }

        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(file);
            var owner = ResourceOwner.Parse(name.Split('-')[0]);
            var running = owner?.Holds(name);
            if (running is true || (running is null && DateTime.UtcNow - File.GetLastWriteTimeUtc(file) <= StaleAge))
            {
                continue;
            }

            if (Read(file, host) is not { } entry)
            {
                continue;
            }

            var pending = new List<JournalContainer>();
            foreach (var container in entry.Containers)
            {
                try
                {
                    var state = (await docker.InspectContainerAsync(container.Id, cancellationToken).ConfigureAwait(false)).State;
                    if (!state.Running && await docker.StartContainerAsync(container.Id, cancellationToken).ConfigureAwait(false))
                    {
                        host.WriteWarning($"Started container {container.Name} again: a BackupPs run ({entry.Purpose}, pid {owner?.ProcessId.ToString(CultureInfo.InvariantCulture) ?? "?"}) "
                            + $"stopped it and ended before it could start it again ({file}).");
                    }
                }
                catch (BackupPsException e) when (e.ErrorId == DockerErrorIds.DockerContainerNotFound)
                {
                    // Removed since: nothing to start.
                }
                catch (BackupPsException e)
                {
                    host.WriteWarning($"Container {container.Name}, left stopped by an interrupted BackupPs run ({entry.Purpose}), could not be started ({e.Message}); start it with docker start {container.Name}.");
                    pending.Add(container);
                }
            }

            try
            {
                if (pending.Count == 0)
                {
                    File.Delete(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                host.WriteWarning($"The journal {file} could not be removed ({StorageErrors.Cause(e)}); remove it by hand.");
            }
        }
    }

    /// <summary>
    /// The journal in <paramref name="file"/>, or null (with a warning) when it cannot be read or cannot be trusted: it
    /// decides which containers are started, so only a regular file of this user that nobody else may write counts.
    /// </summary>
    private static JournalFile? Read(string file, IOperationHost host)
    {
        try
        {
            if (EntryStatus.IsSupported && EntryStatus.Read(file) is { } status
                && (status.Kind != EntryKind.RegularFile || status.Owner != EntryStatus.CurrentUser || status.IsGroupWritable || status.IsOtherWritable))
            {
                host.WriteWarning($"Ignoring {file}: it names containers to start, but {status.Describe()} that is not this user's own private file.");
                return null;
            }

            var entry = JsonSerializer.Deserialize<JournalFile>(File.ReadAllBytes(file), Json);
            return entry is { Containers: not null, Purpose: not null } ? entry : throw new JsonException("fields are missing");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            host.WriteWarning($"Ignoring {file}, a journal of containers an interrupted run stopped: it cannot be read ({e.Message}). Start the containers it names by hand if they are stopped, then remove it.");
            return null;
        }
    }

    /// <summary>Writes the journal whole (temporary file, fsync, rename over the last one), 0600 in a 0700 folder.</summary>
    private void Write()
    {
        var folder = System.IO.Path.GetDirectoryName(_path)!;
        SecureDirectory.Ensure(folder);
        var temp = _path + ".tmp";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new JournalFile(_purpose, DateTimeOffset.UtcNow, _stopped), Json);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.CreateMode;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        AtomicFile.SyncDirectory(folder);
        _written = true;
    }

    private sealed record JournalContainer(string Id, string Name);

    private sealed record JournalFile(string Purpose, DateTimeOffset Written, IReadOnlyList<JournalContainer> Containers);
}
