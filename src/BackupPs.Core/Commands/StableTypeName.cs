namespace BackupPs.Core.Commands;

/// <summary>
/// The names BackupPs types are known by outside this assembly: "BackupPs." and the type's name
/// (BackupPs.Core.Verification.BackupCheck is BackupPs.BackupCheck). The module gives its objects these
/// PSTypeNames, the generated [OutputType] names them, and the help names them instead of the internal
/// namespaces, which may move.
/// </summary>
public static class StableTypeName
{
    private const string Prefix = "BackupPs.";

    /// <summary>The stable name of a type of this assembly.</summary>
    public static string For(Type type) => Prefix + type.Name;

    /// <summary>
    /// The name help shows for a type: the stable name for one of this assembly (and arrays of them),
    /// the .NET name for any other.
    /// </summary>
    public static string ForHelp(Type type) =>
        type.IsArray ? ForHelp(type.GetElementType()!) + "[]"
        : IsOurs(type) ? For(type)
        : type.FullName!;

    /// <summary>Whether a type is one of this assembly's (its objects carry stable names); compared by name, since
    /// the help builder may see the type through another load of the assembly.</summary>
    public static bool IsOurs(Type type) => type.Assembly.GetName().Name == typeof(StableTypeName).Assembly.GetName().Name;
}
