using System.Text;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Database;

/// <summary>
/// The POSTGRES_* settings of a container, read the way the official postgres image's entrypoint
/// reads them (its file_env): each of POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB comes from
/// the variable itself or from the file its *_FILE variant names (a Docker secret), empty counts as
/// unset, and setting both is refused. A file is read inside the container, as the container's own
/// user, by an exec of <c>cat</c> whose output is captured in memory: the secret is never in argv,
/// never on disk, never in a message.
/// </summary>
internal sealed class PostgresImageEnvironment
{
    public const string UserVariable = "POSTGRES_USER";
    public const string PasswordVariable = "POSTGRES_PASSWORD";
    public const string DatabaseVariable = "POSTGRES_DB";
    public const string FileSuffix = "_FILE";

    /// <summary>The image's own default login when neither POSTGRES_USER nor POSTGRES_USER_FILE is set.</summary>
    public const string DefaultUser = "postgres";

    /// <summary>A secret is a few bytes; anything much larger is not the file meant.</summary>
    private const int MaxSecretBytes = 64 * 1024;

    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly string _containerName;
    private readonly Func<string, CancellationToken, Task<(int ExitCode, byte[] Stdout, string Stderr)>> _readFile;

    /// <param name="env">The container's KEY=value list (Config.Env: image and container settings merged).</param>
    /// <param name="readFile">Reads a file inside the container: exit code, content, error text.</param>
    internal PostgresImageEnvironment(IEnumerable<string> env, string containerName,
        Func<string, CancellationToken, Task<(int ExitCode, byte[] Stdout, string Stderr)>> readFile)
    {
        // Docker keeps the last of repeated keys, and so does the process environment.
        _env = env.Select(e => e.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        _containerName = containerName;
        _readFile = readFile;
    }

    /// <summary>The settings of <paramref name="container"/>; files are read through <paramref name="docker"/>.</summary>
    public static PostgresImageEnvironment Of(DockerClient docker, DockerContainerDetails container) =>
        new(container.Config.Env, container.Name, async (path, cancellationToken) =>
        {
            using var stdout = new MemoryStream();
            // "--": a path starting with '-' is still a path. The path is configuration, not a secret.
            var result = await docker.ExecAsync(container.Id, new ExecRequest { Cmd = ["cat", "--", path] }, stdout, cancellationToken)
                .ConfigureAwait(false);
            return (result.ExitCode, stdout.ToArray(), result.Stderr);
        });

    /// <summary>Where <paramref name="variable"/> comes from, for messages: "POSTGRES_USER_FILE", "POSTGRES_USER", or null when unset.</summary>
    public string? SourceOf(string variable)
    {
        var hasValue = !string.IsNullOrEmpty(_env.GetValueOrDefault(variable));
        var hasFile = !string.IsNullOrEmpty(_env.GetValueOrDefault(variable + FileSuffix));
        return hasFile && !hasValue ? variable + FileSuffix : hasValue ? variable : null;
    }

    /// <summary>
    /// Where the login's user and its password came from, for a refused login (never the values): "from POSTGRES_USER;
    /// password from POSTGRES_PASSWORD_FILE". A refused login is mostly a wrong password, a stale or empty secret file.
    /// </summary>
    /// <param name="password">The password read (null: none, or an empty file).</param>
    public string LoginSource(string? password)
    {
        var user = SourceOf(UserVariable);
        var secret = SourceOf(PasswordVariable);
        return (user is null ? $"the default: the container sets no {UserVariable} or {UserVariable}{FileSuffix}" : "from " + user)
            + (secret is null ? $"; no password: the container sets no {PasswordVariable} or {PasswordVariable}{FileSuffix}"
                : password is null ? $"; no password: the file {secret} names is empty"
                : "; password from " + secret);
    }

    /// <summary>
    /// <paramref name="variable"/> as the image's entrypoint sees it: its value, else the content of
    /// the file <paramref name="variable"/>_FILE names with trailing newlines removed (as the shell's
    /// command substitution removes them), else null.
    /// </summary>
    /// <param name="overrideHint">How the caller can do without the variable ("pass -Credential"), for the errors.</param>
    public async Task<string?> GetAsync(string variable, string overrideHint, CancellationToken cancellationToken)
    {
        var fileVariable = variable + FileSuffix;
        var value = _env.GetValueOrDefault(variable);
        var path = _env.GetValueOrDefault(fileVariable);
        if (!string.IsNullOrEmpty(value) && !string.IsNullOrEmpty(path))
        {
            throw new BackupPsException("ContainerEnvironmentConflict", FailureCategory.InvalidArgument,
                $"Container {_containerName} sets both {variable} and {fileVariable}; the postgres image refuses to start that way because they are exclusive, so it is unclear which one is meant. Remove one of them from the container, or {overrideHint}.")
            { Target = _containerName };
        }

        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var (exitCode, content, stderr) = await _readFile(path, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            // cat's error names the path and the reason (missing, permission denied), never content.
            throw new BackupPsException("ContainerSecretUnreadable", FailureCategory.ResourceUnavailable,
                $"Container {_containerName} takes {variable} from {fileVariable}={path}, but that file cannot be read inside the container ({DatabaseTarget.FirstLine(stderr)}). Check that the secret is mounted there and readable by the container's user, or {overrideHint}.")
            { Target = _containerName };
        }

        if (content.Length > MaxSecretBytes)
        {
            throw new BackupPsException("ContainerSecretUnreadable", FailureCategory.InvalidData,
                $"Container {_containerName} takes {variable} from {fileVariable}={path}, but that file holds {content.Length} bytes, not a secret. Point {fileVariable} at the secret's file, or {overrideHint}.")
            { Target = _containerName };
        }

        var text = Encoding.UTF8.GetString(content).TrimEnd('\n');
        return text.Length == 0 ? null : text;
    }
}
