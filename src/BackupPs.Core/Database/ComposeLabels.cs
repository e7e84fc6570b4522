using System.Text;

namespace BackupPs.Core.Database;

/// <summary>
/// The labels docker compose puts on the containers it creates, and compose's own rules for reading
/// them: which containers are a service's (not one-off <c>docker compose run</c> containers), and
/// how a project name is written once compose has normalised it.
/// </summary>
public static class ComposeLabels
{
    public const string Project = "com.docker.compose.project";
    public const string Service = "com.docker.compose.service";

    /// <summary>"True" on containers made by <c>docker compose run</c>: they share the service's labels, but are not its server.</summary>
    public const string OneOff = "com.docker.compose.oneoff";

    /// <summary>True for a <c>docker compose run</c> container.</summary>
    public static bool IsOneOff(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(OneOff, out var value) && value.Equals("True", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when a container's project label is the project the operator named: compose lower-cases
    /// project names and drops characters other than a-z, 0-9, '-' and '_' (a leading '-' or '_'
    /// too) before it writes the label, so "MyShop" is labelled "myshop".
    /// </summary>
    public static bool ProjectMatches(string label, string project) =>
        label.Equals(project, StringComparison.OrdinalIgnoreCase) || label == NormalizeProject(project);

    /// <summary>A project name as compose writes it into the label.</summary>
    internal static string NormalizeProject(string project)
    {
        var name = new StringBuilder(project.Length);
        foreach (var c in project.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || ((c is '-' or '_') && name.Length > 0))
            {
                name.Append(c);
            }
        }

        return name.ToString();
    }
}
