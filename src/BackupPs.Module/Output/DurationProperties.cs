using System.Management.Automation;
using System.Xml;

namespace BackupPs.Output;

/// <summary>
/// The getters of the [TimeSpan] Duration and RestoreDuration that module/BackupPs.Types.ps1xml gives the cmdlets'
/// objects. Their .NET properties hold ISO 8601 text ("PT1.5S") because ConvertTo-Json writes an object's .NET
/// properties (a TimeSpan as an object of its parts) and must say what the CLI's --json says; everywhere else in
/// PowerShell (member access, Sort-Object, Where-Object, views, Should -BeLessThan) an extended member shadows the
/// .NET property of its name, so scripts still compare, sort and add durations.
/// </summary>
public static class DurationProperties
{
    /// <summary>The object's Duration as a [TimeSpan].</summary>
    public static TimeSpan Duration(PSObject instance) =>
        Read(instance, nameof(Duration)) ?? throw new PSArgumentException($"{instance.BaseObject.GetType().Name} has no duration.", nameof(instance));

    /// <summary>The object's RestoreDuration as a [TimeSpan]; null when no restore ran (Test-Backup without -Restore).</summary>
    public static TimeSpan? RestoreDuration(PSObject instance) => Read(instance, nameof(RestoreDuration));

    /// <summary>The ISO 8601 text of the .NET property <paramref name="name"/>, read past the extended member that shadows it.</summary>
    private static TimeSpan? Read(PSObject instance, string name) =>
        instance.BaseObject.GetType().GetProperty(name)?.GetValue(instance.BaseObject) is string iso ? XmlConvert.ToTimeSpan(iso) : null;
}
