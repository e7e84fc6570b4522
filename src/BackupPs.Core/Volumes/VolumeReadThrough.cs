using BackupPs.Core.Docker;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Volumes;

/// <summary>
/// The two ways to reach a volume's files, as <see cref="Catalog.VolumeSource.ReadThrough"/> records them, and which one
/// this process can use. Both were measured on the same 2-core machine (README, "Docker volumes"): the folder is faster
/// and keeps more, so it is used whenever it can be.
/// <list type="bullet">
/// <item><see cref="Mountpoint"/>: the daemon's folder for the volume (/var/lib/docker/volumes/&lt;name&gt;/_data), read or
/// written directly. Keeps sub-second mtimes and every extended attribute; no dockerd or HTTP in the data path. Needs root
/// (the folder is root's), a daemon on this host (a Unix socket), and a plain local volume: one with driver options (an NFS
/// or bind device, a tmpfs) is only mounted there while a container uses it, and another driver keeps its data elsewhere.</item>
/// <item><see cref="ArchiveApi"/>: <c>GET</c>/<c>PUT /containers/{id}/archive</c> of a never-started helper container
/// (<see cref="VolumeHelperContainer"/>). Works for any user allowed on the daemon and any driver; mtimes to the second,
/// and only security.capability of the extended attributes.</item>
/// </list>
/// </summary>
internal static class VolumeReadThrough
{
    public const string Mountpoint = "Mountpoint";

    public const string ArchiveApi = "ArchiveApi";

    /// <summary>Why this process cannot use <paramref name="volume"/>'s folder directly, or null when it can.</summary>
    public static string? WhyNotMountpoint(DockerClient docker, DockerVolume volume)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (docker.Endpoint.Kind != DockerEndpointKind.Unix)
        {
            return $"the daemon is reached over {docker.Endpoint.Uri}, not on this host";
        }

        if (LibC.GetEuid() != 0)
        {
            return "not running as root";
        }

        if (volume.Driver != "local")
        {
            return $"its driver is {volume.Driver}";
        }

        if (volume.Options.Count > 0)
        {
            return $"it has driver options ({string.Join(", ", volume.Options.Keys)}), so it is mounted at its folder only while a container uses it";
        }

        return Path.IsPathFullyQualified(volume.Mountpoint) && Directory.Exists(volume.Mountpoint)
            ? null
            : $"its folder {volume.Mountpoint} is not visible here (a daemon in another mount namespace or a VM)";
    }
}
