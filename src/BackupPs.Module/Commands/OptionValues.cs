using System.Collections;
using System.Reflection;
using BackupPs.Core.Commands;

namespace BackupPs.Commands;

/// <summary>
/// The [Option] values of a command's options object, by reflection: a copy for each run a source path command collects
/// from the pipeline (<see cref="BackupPsCmdlet"/>), and whether two runs' options agree.
/// </summary>
internal static class OptionValues
{
    /// <summary>A new options object with every [Option] property of <paramref name="options"/> (arrays copied, so later binding cannot change them).</summary>
    public static TOptions Copy<TOptions>(TOptions options)
        where TOptions : class
    {
        var copy = (TOptions)Activator.CreateInstance(options.GetType())!;
        foreach (var property in OptionProperties(options.GetType()))
        {
            var value = property.GetValue(options);
            property.SetValue(copy, value is Array array ? array.Clone() : value);
        }

        return copy;
    }

    /// <summary>Whether every [Option] property but <paramref name="except"/> has equal values (arrays item by item).</summary>
    public static bool EqualExcept(object first, object second, string except) =>
        OptionProperties(first.GetType()).Where(p => p.Name != except)
            .All(p => StructuralComparisons.StructuralEqualityComparer.Equals(p.GetValue(first), p.GetValue(second)));

    public static void Set(object options, string option, object? value) => options.GetType().GetProperty(option)!.SetValue(options, value);

    private static IEnumerable<PropertyInfo> OptionProperties(Type type) =>
        type.GetProperties().Where(p => p.GetCustomAttribute<OptionAttribute>() is not null);
}
