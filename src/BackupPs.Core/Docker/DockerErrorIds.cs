using System.Net;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

/// <summary>
/// Stable ErrorIds raised by <see cref="DockerClient"/>. Scripts match on these strings, so never rename one.
/// </summary>
public static class DockerErrorIds
{
    /// <summary>The endpoint string (DOCKER_HOST or the argument) cannot be used. InvalidArgument.</summary>
    public const string DockerHostInvalid = nameof(DockerHostInvalid);

    /// <summary>The Unix socket file does not exist. ResourceUnavailable.</summary>
    public const string DockerSocketNotFound = nameof(DockerSocketNotFound);

    /// <summary>The Unix socket exists but this user may not connect to it (EACCES). PermissionDenied.</summary>
    public const string DockerPermissionDenied = nameof(DockerPermissionDenied);

    /// <summary>Nothing listens on the socket or TCP port (ECONNREFUSED). ResourceUnavailable.</summary>
    public const string DockerConnectionRefused = nameof(DockerConnectionRefused);

    /// <summary>The TCP host cannot be resolved or reached. ConnectionError.</summary>
    public const string DockerHostUnreachable = nameof(DockerHostUnreachable);

    /// <summary>The connection broke, or the peer is not a Docker daemon. ConnectionError / ProtocolError.</summary>
    public const string DockerConnectionFailed = nameof(DockerConnectionFailed);

    /// <summary>No API version both sides accept. ResourceUnavailable.</summary>
    public const string DockerApiVersionUnsupported = nameof(DockerApiVersionUnsupported);

    /// <summary>404 for a container. ObjectNotFound.</summary>
    public const string DockerContainerNotFound = nameof(DockerContainerNotFound);

    /// <summary>409 because the container is stopped or paused (exec, kill). InvalidOperation.</summary>
    public const string DockerContainerNotRunning = nameof(DockerContainerNotRunning);

    /// <summary>404 for a path inside a container (archive get/put). ObjectNotFound.</summary>
    public const string DockerPathNotFound = nameof(DockerPathNotFound);

    /// <summary>404 for a volume. ObjectNotFound.</summary>
    public const string DockerVolumeNotFound = nameof(DockerVolumeNotFound);

    /// <summary>409 when removing a volume that a container still uses. InvalidOperation.</summary>
    public const string DockerVolumeInUse = nameof(DockerVolumeInUse);

    /// <summary>404 for an image (only where a missing image is an error). ObjectNotFound.</summary>
    public const string DockerImageNotFound = nameof(DockerImageNotFound);

    /// <summary>409 when a container or volume name is taken. ResourceExists.</summary>
    public const string DockerNameConflict = nameof(DockerNameConflict);

    /// <summary>Any other non-success answer from the daemon. Category depends on the HTTP status.</summary>
    public const string DockerRequestFailed = nameof(DockerRequestFailed);

    /// <summary>The exec output stream ended inside a frame. ProtocolError.</summary>
    public const string DockerStreamTruncated = nameof(DockerStreamTruncated);

    /// <summary>The exec output stream carried an unknown frame type or malformed header. ProtocolError.</summary>
    public const string DockerStreamCorrupt = nameof(DockerStreamCorrupt);

    /// <summary>The daemon reported an error inside the exec stream (frame type 3, "systemerr"). InvalidOperation.</summary>
    public const string DockerExecSystemError = nameof(DockerExecSystemError);

    /// <summary>The exec's output ended but the daemon did not report an exit code in time. ProtocolError.</summary>
    public const string DockerExecExitCodeMissing = nameof(DockerExecExitCodeMissing);
}

/// <summary>Builds the <see cref="BackupPsException"/>s for the Docker client. One sentence each: what, then what to do.</summary>
internal static class DockerErrors
{
    internal static BackupPsException Create(string errorId, FailureCategory category, string message, object? target = null, Exception? inner = null)
        => new(errorId, category, message, inner) { Target = target };

    internal static BackupPsException SocketNotFound(string path, Exception? inner = null) => Create(
        DockerErrorIds.DockerSocketNotFound, FailureCategory.ResourceUnavailable,
        $"The Docker socket '{path}' does not exist; start the Docker daemon (systemctl start docker) or set DOCKER_HOST to the daemon's endpoint (for example unix:///var/run/docker.sock).",
        path, inner);

    internal static BackupPsException PermissionDenied(string path, Exception? inner = null) => Create(
        DockerErrorIds.DockerPermissionDenied, FailureCategory.PermissionDenied,
        $"Permission denied connecting to the Docker socket '{path}'; add this user to the 'docker' group (sudo usermod -aG docker $USER, then log in again) or run with sudo.",
        path, inner);

    internal static BackupPsException ConnectionRefused(string endpoint, Exception? inner = null) => Create(
        DockerErrorIds.DockerConnectionRefused, FailureCategory.ResourceUnavailable,
        $"The Docker daemon at '{endpoint}' refused the connection; start the Docker daemon (systemctl start docker) or point DOCKER_HOST at a running daemon.",
        endpoint, inner);

    internal static BackupPsException ConnectionFailed(string endpoint, string detail, Exception? inner = null) => Create(
        DockerErrorIds.DockerConnectionFailed, FailureCategory.ConnectionError,
        $"The connection to the Docker daemon at '{endpoint}' failed ({OneLine(detail)}); check that the daemon is running and healthy, then retry.",
        endpoint, inner);

    internal static BackupPsException StreamTruncated(string what, object? target) => Create(
        DockerErrorIds.DockerStreamTruncated, FailureCategory.ProtocolError,
        $"The Docker exec output ended in the middle of a {what}, so the output is incomplete; treat the result as failed and retry the operation.",
        target);

    internal static BackupPsException StreamCorrupt(string detail, object? target) => Create(
        DockerErrorIds.DockerStreamCorrupt, FailureCategory.ProtocolError,
        $"The Docker exec output stream is malformed ({detail}); make sure the exec runs without a TTY and that no proxy rewrites the stream, then retry.",
        target);

    /// <summary>Collapses whitespace and control characters so a daemon message fits in one sentence.</summary>
    internal static string OneLine(string? text, int max = 400)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "no details";
        }

        var sb = new System.Text.StringBuilder(Math.Min(text.Length, max + 1));
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }
        }

        string s = sb.ToString().TrimEnd('.', ';');
        return s.Length == 0 ? "no details" : s;
    }

    internal static FailureCategory CategoryFor(HttpStatusCode status) => (int)status switch
    {
        400 => FailureCategory.InvalidArgument,
        401 or 403 => FailureCategory.PermissionDenied,
        404 => FailureCategory.ObjectNotFound,
        409 => FailureCategory.InvalidOperation,
        _ => FailureCategory.NotSpecified,
    };
}
