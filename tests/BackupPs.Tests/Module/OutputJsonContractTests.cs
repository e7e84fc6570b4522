using System.Collections;
using System.Management.Automation;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BackupPs.Core.Commands;
using BackupPs.Output;

namespace BackupPs.Tests.Module;

/// <summary>
/// ConvertTo-Json in pwsh writes an object's public .NET properties by reflection, so they must hold only what it
/// writes as the CLI's --json does: no TimeSpan (an object of its parts there, ISO 8601 in --json) and only
/// long-based enums (written by name). A duration is therefore a public ISO 8601 string, its TimeSpan internal and
/// named for --json, and module/BackupPs.Types.ps1xml gives PowerShell a [TimeSpan] under the public name. Checked on
/// every type the commands emit and every type nested in them, so a new property cannot reopen the gap.
/// </summary>
public sealed class OutputJsonContractTests
{
    private static readonly string TypesFile = Path.Combine(AppContext.BaseDirectory, "module", "BackupPs.Types.ps1xml");

    public static TheoryData<Type> OutputTypes() => new(Emitted.Value);

    /// <summary>The types the commands emit and every BackupPs type reachable through their public properties.</summary>
    private static readonly Lazy<HashSet<Type>> Emitted = new(() =>
    {
        var found = new HashSet<Type>();
        void Walk(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsArray || (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)))
            {
                Walk(type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0]);
            }
            else if (type.Assembly == typeof(CommandAttribute).Assembly && found.Add(type) && !type.IsEnum)
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    Walk(property.PropertyType);
                }
            }
        }

        foreach (var command in typeof(CommandAttribute).Assembly.GetTypes().Select(t => t.GetCustomAttribute<CommandAttribute>()).OfType<CommandAttribute>())
        {
            Walk(command.OutputType);
        }

        return found;
    });

    [Theory]
    [MemberData(nameof(OutputTypes))]
    public void PublicPropertiesHoldOnlyWhatConvertToJsonWritesAsTheCliDoes(Type type)
    {
        if (type.IsEnum)
        {
            Assert.True(Enum.GetUnderlyingType(type) == typeof(long), $"{type.Name} is not based on long: ConvertTo-Json would write its numbers.");
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Assert.False(valueType == typeof(TimeSpan), $"{type.Name}.{property.Name} is a public TimeSpan: ConvertTo-Json would write an object of its parts.");
        }
    }

    [Theory]
    [MemberData(nameof(OutputTypes))]
    public void EveryDurationIsIsoTextInDotNetAndATimeSpanInPowerShell(Type type)
    {
        var typed = XDocument.Load(TypesFile).Root!.Elements("Type").SingleOrDefault(t => t.Element("Name")!.Value == "BackupPs." + type.Name);
        var shadowed = typed?.Descendants("CodeProperty").Select(p => p.Element("Name")!.Value).ToHashSet() ?? [];
        var durations = type.GetProperties(BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(TimeSpan) && p.IsDefined(typeof(JsonIncludeAttribute)))
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name)
            .ToHashSet();
        foreach (var name in durations)
        {
            var text = type.GetProperty(name);
            Assert.True(text?.PropertyType == typeof(string) && text.IsDefined(typeof(JsonIgnoreAttribute)),
                $"{type.Name}.{name}: the duration --json writes needs a public ISO 8601 string of the same name, for ConvertTo-Json.");
        }

        Assert.Equal(durations.Order(), shadowed.Order());
    }

    [Fact]
    public void TheTypesFileNamesStableTypeNamesAndGettersThatExist()
    {
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BackupPs.psd1"));
        Assert.Matches(@"TypesToProcess\s*=\s*@\('module/BackupPs.Types.ps1xml'\)", manifest);
        var outputTypes = Emitted.Value.ToDictionary(t => "BackupPs." + t.Name);
        foreach (var type in XDocument.Load(TypesFile).Root!.Elements("Type"))
        {
            Assert.True(outputTypes.ContainsKey(type.Element("Name")!.Value), $"{type.Element("Name")!.Value} is not the stable name of an output type.");
            foreach (var reference in type.Descendants("GetCodeReference"))
            {
                Assert.Equal(typeof(DurationProperties).FullName, reference.Element("TypeName")!.Value);
                var getter = typeof(DurationProperties).GetMethod(reference.Element("MethodName")!.Value, BindingFlags.Public | BindingFlags.Static);
                Assert.True(getter?.GetParameters() is [{ ParameterType: var parameter }] && parameter == typeof(PSObject),
                    $"{reference.Element("MethodName")!.Value} is not a getter DurationProperties has.");
            }
        }
    }
}
