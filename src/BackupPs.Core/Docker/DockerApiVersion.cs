using System.Globalization;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

/// <summary>A Docker Engine API version such as 1.41 (major.minor, compared numerically).</summary>
public readonly record struct DockerApiVersion(int Major, int Minor) : IComparable<DockerApiVersion>
{
    /// <summary>The version BackupPs talks by default and the lowest it accepts (Docker 20.10).</summary>
    public static readonly DockerApiVersion Preferred = new(1, 41);

    /// <summary>The lowest version BackupPs accepts.</summary>
    public static readonly DockerApiVersion MinimumSupported = new(1, 41);

    /// <summary>The highest version this client knows the request/response shapes of.</summary>
    public static readonly DockerApiVersion MaximumSupported = new(1, 47);

    public static DockerApiVersion Parse(string text)
        => TryParse(text, out DockerApiVersion v)
            ? v
            : throw new FormatException($"'{text}' is not a Docker API version (expected major.minor).");

    public static bool TryParse(string? text, out DockerApiVersion version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string t = text.Trim();
        if (t.StartsWith('v') || t.StartsWith('V'))
        {
            t = t[1..];
        }

        int dot = t.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !int.TryParse(t.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(t.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int minor))
        {
            return false;
        }

        version = new DockerApiVersion(major, minor);
        return true;
    }

    public int CompareTo(DockerApiVersion other)
        => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator <(DockerApiVersion a, DockerApiVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(DockerApiVersion a, DockerApiVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(DockerApiVersion a, DockerApiVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(DockerApiVersion a, DockerApiVersion b) => a.CompareTo(b) >= 0;

    public static DockerApiVersion Max(DockerApiVersion a, DockerApiVersion b) => a >= b ? a : b;

    public override string ToString() => Major.ToString(CultureInfo.InvariantCulture) + "." + Minor.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Picks the API version to use: <see cref="Preferred"/> (1.41) when the daemon accepts it, otherwise
    /// <c>max(1.41, daemonMin)</c> when that is within both the daemon's maximum and <see cref="MaximumSupported"/>.
    /// Throws DockerApiVersionUnsupported otherwise.
    /// </summary>
    /// <param name="daemonMax">The daemon's maximum (ping <c>Api-Version</c> header / <c>/version</c> ApiVersion).</param>
    /// <param name="daemonMin">The daemon's minimum (<c>/version</c> MinAPIVersion); null when unknown.</param>
    /// <param name="endpoint">Used in messages only.</param>
    public static DockerApiVersion Negotiate(DockerApiVersion daemonMax, DockerApiVersion? daemonMin, string endpoint)
    {
        if (daemonMax < MinimumSupported)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerApiVersionUnsupported, FailureCategory.ResourceUnavailable,
                $"The Docker daemon at '{endpoint}' supports Engine API {daemonMax} at most but BackupPs needs {MinimumSupported} or newer; upgrade Docker to 20.10 or later.",
                endpoint);
        }

        DockerApiVersion chosen = Max(Preferred, daemonMin ?? Preferred);
        if (chosen > MaximumSupported)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerApiVersionUnsupported, FailureCategory.ResourceUnavailable,
                $"The Docker daemon at '{endpoint}' requires Engine API {daemonMin} or newer but BackupPs supports {MinimumSupported} to {MaximumSupported}; upgrade BackupPs or start the daemon with DOCKER_MIN_API_VERSION={Preferred}.",
                endpoint);
        }

        if (chosen > daemonMax)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerApiVersionUnsupported, FailureCategory.ResourceUnavailable,
                $"The Docker daemon at '{endpoint}' reports a minimum Engine API of {daemonMin} above its maximum of {daemonMax}; check the daemon's DOCKER_MIN_API_VERSION setting and restart it.",
                endpoint);
        }

        return chosen;
    }
}
