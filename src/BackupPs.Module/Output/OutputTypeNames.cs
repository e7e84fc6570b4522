using System.Collections;
using System.Management.Automation;
using BackupPs.Core.Commands;

namespace BackupPs.Output;

/// <summary>
/// Gives every object the cmdlets write, and every BackupPs object nested in it (checks, tables, errors,
/// database properties), a stable PSTypeName "BackupPs.&lt;type name&gt;" ahead of its .NET name, so views,
/// scripts and Pester tests key on names that do not move with the internal namespaces
/// (BackupPs.Core.Verification.BackupCheck is BackupPs.BackupCheck). PowerShell remembers type names
/// per object, so a nested object read later ($result.Checks[0]) still carries its name.
/// </summary>
internal static class OutputTypeNames
{
    public static PSObject Decorate(object record)
    {
        var decorated = PSObject.AsPSObject(record);
        Walk(record, depth: 0);
        return decorated;
    }

    /// <summary>The stable name of a core type: what the generated [OutputType("BackupPs.X")] names too.</summary>
    public static string For(Type type) => StableTypeName.For(type);

    private static void Walk(object? value, int depth)
    {
        if (value is null || depth > 4)
        {
            return;
        }

        if (value is IEnumerable items and not string)
        {
            foreach (var item in items)
            {
                Walk(item, depth + 1);
            }

            return;
        }

        var type = value.GetType();
        if (type.Assembly != typeof(CommandAttribute).Assembly || type.IsEnum)
        {
            return;
        }

        var names = PSObject.AsPSObject(value).TypeNames;
        if (!names.Contains(For(type)))
        {
            names.Insert(0, For(type));
        }

        foreach (var property in type.GetProperties())
        {
            if (property.GetIndexParameters().Length == 0 && !property.PropertyType.IsValueType && property.PropertyType != typeof(string))
            {
                Walk(property.GetValue(value), depth + 1);
            }
        }
    }
}
