using System.Security.Cryptography;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Volumes;

/// <summary>
/// A container that only holds a volume mounted, so that the Engine API's archive endpoint (<c>GET</c>/<c>PUT
/// /containers/{id}/archive</c>) reaches its files: created and never started (the daemon mounts a stopped container's
/// volumes for the archive calls), network none, from an image already present (the image of a container that uses the
/// volume, else the smallest local image: nothing is ever pulled). Named backupps-volume-&lt;owner token&gt;-&lt;random&gt; and
/// labelled with its owner (<see cref="ResourceOwner"/>) and <see cref="Label"/>, so a run killed before disposing it
/// leaves one the next run removes (<see cref="ContainerLeftovers.RemoveVolumeHelpersAsync"/>). Dispose removes it, with
/// the anonymous volumes its image declares, never the named volume. The one exception to "never started" is
/// <see cref="EmptyVolumeAsync"/>: the archive endpoint cannot remove files, so a -Replace through the API runs rm in one.
/// </summary>
internal sealed class VolumeHelperContainer : IAsyncDisposable
{
    /// <summary>The label every volume helper container carries (=1).</summary>
    public const string Label = "backupps.volume-helper";

    /// <summary>Where the volume is mounted in the helper; the archive endpoint's tar names its entries under "backupps-volume/".</summary>
    public const string MountPath = "/backupps-volume";

    /// <summary>A command that exists in no image: the helper is never started, and must not run anything if it were.</summary>
    private const string NeverRun = "/backupps-helper-is-never-started";

    private readonly DockerClient _docker;
    private readonly IOperationHost _host;

    private VolumeHelperContainer(DockerClient docker, string id, string name, string image, IOperationHost host)
    {
        _docker = docker;
        Id = id;
        Name = name;
        Image = image;
        _host = host;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The image it was created from (a tag when it has one, else its id), for messages.</summary>
    public string Image { get; }

    /// <summary>
    /// Creates a helper with <paramref name="volume"/> mounted at <see cref="MountPath"/>, read-only unless
    /// <paramref name="readWrite"/>. Throws VolumeHelperImageMissing when no image is present at all.
    /// </summary>
    /// <param name="users">The volume's users: the image of the first is preferred (it is certainly present and fits the host).</param>
    /// <param name="command">For <see cref="EmptyVolumeAsync"/> only: what the container runs when started; null for a helper that is never started.</param>
    public static async Task<VolumeHelperContainer> CreateAsync(DockerClient docker, string volume, bool readWrite, IReadOnlyList<VolumeUser> users,
        IOperationHost host, CancellationToken cancellationToken, IReadOnlyList<string>? command = null)
    {
        var (image, shown) = await ChooseImageAsync(docker, volume, users, cancellationToken).ConfigureAwait(false);
        var name = OperationRun.Hold($"backupps-volume-{ResourceOwner.Current.Token}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}");
        var labels = new Dictionary<string, string>(ResourceOwner.Current.Labels) { [Label] = "1" };
        host.WriteVerbose($"Creating the helper container {name} from image {shown} (never started) with volume {volume} mounted {(readWrite ? "read-write" : "read-only")} at {MountPath}.");
        string id;
        try
        {
            id = await docker.CreateContainerAsync(new CreateContainerRequest
            {
                Image = image,
                Name = name,
                Entrypoint = command ?? [NeverRun],
                Cmd = [],
                User = command is null ? null : "0:0",
                Labels = labels,
                Mounts = [new DockerMountSpec(DockerMountType.Volume, volume, MountPath, ReadOnly: !readWrite)],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The create may have gone through: remove it by name.
            await RemoveAsync(docker, name, name, host).ConfigureAwait(false);
            throw;
        }

        return new VolumeHelperContainer(docker, id, name, shown, host);
    }

    /// <summary>
    /// The image to create the helper from: that of a container using the volume, else the smallest image present.
    /// Returns the image id (so no tag is ever resolved against a registry) and a name for messages.
    /// </summary>
    private static async Task<(string Id, string Shown)> ChooseImageAsync(DockerClient docker, string volume, IReadOnlyList<VolumeUser> users, CancellationToken cancellationToken)
    {
        if (users.FirstOrDefault(u => u.Container.ImageId.Length > 0) is { } user)
        {
            return (user.Container.ImageId, user.Container.Config.Image);
        }

        var images = await docker.ListImagesAsync(cancellationToken).ConfigureAwait(false);
        if (images.Where(i => i.Id.Length > 0).OrderBy(i => i.Size).ThenBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault() is { } smallest)
        {
            return (smallest.Id, smallest.RepoTags.FirstOrDefault(t => t != "<none>:<none>") ?? smallest.Id);
        }

        throw new BackupPsException("VolumeHelperImageMissing", FailureCategory.ResourceUnavailable,
            $"Volume {volume} can only be reached through a helper container here, and no image is present to create one from (BackupPs never pulls). "
            + "Load any image (docker load -i image.tar), or run as root on the Docker host, where the volume's folder is read directly.")
        { Target = volume };
    }

    /// <summary>
    /// Removes everything in <paramref name="volume"/>, for a -Replace through the Engine API, which can add and overwrite files
    /// but never remove one: a helper that IS started, as root, running the image's own <c>sh</c> and <c>rm</c> on the
    /// volume's top-level entries (hidden ones included), then removed. VolumeNotEmptied when the image has no shell or the
    /// removal fails.
    /// </summary>
    public static async Task EmptyVolumeAsync(DockerClient docker, string volume, IReadOnlyList<VolumeUser> users, IOperationHost host, CancellationToken cancellationToken)
    {
        const string Script = "cd " + MountPath + " || exit 1; for f in * .[!.]* ..?*; do if [ -e \"$f\" ] || [ -L \"$f\" ]; then rm -rf -- \"$f\" || exit 1; fi; done";
        await using var cleaner = await CreateAsync(docker, volume, readWrite: true, users, host, cancellationToken, command: ["sh", "-c", Script]).ConfigureAwait(false);
        host.WriteVerbose($"Removing the content of volume {volume} with {cleaner.Name} (sh and rm of image {cleaner.Image}): the archive endpoint cannot remove files.");
        DockerWaitResult result;
        try
        {
            await docker.StartContainerAsync(cleaner.Id, cancellationToken).ConfigureAwait(false);
            result = await docker.WaitContainerAsync(cleaner.Id, DockerWaitCondition.NotRunning, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e) when (!e.ConcernsWholeInvocation)
        {
            throw NotEmptied(volume, cleaner.Image, e.Message, e);
        }

        if (result.StatusCode != 0 || result.Error is not null)
        {
            throw NotEmptied(volume, cleaner.Image, $"sh exited with {result.StatusCode}{(result.Error is null ? "" : ": " + result.Error)}", null);
        }
    }

    private static BackupPsException NotEmptied(string volume, string image, string why, Exception? inner) =>
        new("VolumeNotEmptied", FailureCategory.WriteError,
            $"The content of volume {volume} could not be removed before the restore ({why}); through the Docker API that needs sh and rm in a local image (here {image}). "
            + "Run Restore-Volume as root on the Docker host (the volume's folder is written directly), or restore into a new volume (-Volume) instead.", inner)
        { Target = volume };

    /// <summary>Removes the helper (and its image's anonymous volumes), within the cleanup budget; a failure is a warning.</summary>
    public async ValueTask DisposeAsync() => await RemoveAsync(_docker, Id, Name, _host).ConfigureAwait(false);

    private static async Task RemoveAsync(DockerClient docker, string id, string name, IOperationHost host)
    {
        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(1));
        try
        {
            await docker.RemoveContainerAsync(id, force: true, removeVolumes: true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException)
        {
            host.WriteWarning($"The helper container {name} could not be removed ({e.Message}); remove it with docker rm -f -v {name} (the next Backup-Volume or Restore-Volume also does).");
            OperationRun.NoteLeftBehind($"container {name}");
        }
    }
}
