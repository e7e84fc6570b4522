using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using BackupPs.Commands;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using Xunit;

namespace BackupPs.Tests.Module;

/// <summary>
/// What PSScriptAnalyzer and Test-ModuleManifest would check, done without pwsh: the cmdlet
/// assembly's attributes are read as metadata (CustomAttributeData works on the
/// PowerShellStandard stub, whose attribute getters return nothing at run time).
/// </summary>
public sealed class CmdletContractTests
{
    private static readonly Type[] Cmdlets = typeof(BackupPsCmdlet).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(PSCmdlet)) && !t.IsAbstract)
        .ToArray();

    public static TheoryData<Type> CmdletTypes() => new(Cmdlets);

    [Fact]
    public void EveryCoreCommandHasExactlyOneCmdlet()
    {
        var commands = typeof(CommandAttribute).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<CommandAttribute>())
            .Where(a => a is not null)
            .Select(a => $"{a!.Verb}-{a.Noun}")
            .Order();
        Assert.Equal(commands, Cmdlets.Select(CmdletName).Order());
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void VerbIsApprovedAndNounIsSingular(Type cmdlet)
    {
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic), typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        var cmdletAttribute = Attribute<CmdletAttribute>(cmdlet);
        var verb = (string)cmdletAttribute.ConstructorArguments[0].Value!;
        var noun = (string)cmdletAttribute.ConstructorArguments[1].Value!;
        Assert.Contains(verb, approved);
        Assert.False(noun.EndsWith('s'), $"{noun} looks plural; PowerShell nouns are singular.");
        Assert.Equal(verb + noun + "Command", cmdlet.Name);
        Assert.True(cmdlet.IsSealed);
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void DeclaresItsOutputTypeAndItsStableTypeName(Type cmdlet)
    {
        // Two [OutputType]s: the .NET type (property completion in pipelines) and the PSTypeName the objects carry.
        var declared = cmdlet.GetCustomAttributesData().Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .SelectMany(a => (IReadOnlyCollection<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(a => a.Value)
            .ToArray();
        var outputType = Definition(cmdlet).OutputType;
        Assert.Equal(2, declared.Length);
        Assert.Contains(outputType, declared);
        Assert.Contains("BackupPs." + outputType.Name, declared);
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void NameParametersCompleteFromTheirSourceNotFileNames(Type cmdlet)
    {
        foreach (var (property, _) in Parameters(cmdlet).Where(p => p.Property.Name is "Container" or "ComposeProject" or "ComposeService" or "Environment" or "TargetEnvironment" or "Database"))
        {
            var completer = (Type)Attribute<ArgumentCompleterAttribute>(property).ConstructorArguments[0].Value!;
            Assert.Equal("BackupPs.Completion." + (property.Name == "TargetEnvironment" ? "Environment" : property.Name) + "Completer", completer.FullName);
        }
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void ShouldProcessWhereStateChanges(Type cmdlet)
    {
        var named = Attribute<CmdletAttribute>(cmdlet).NamedArguments.ToDictionary(a => a.MemberName, a => a.TypedValue.Value);
        var impact = Definition(cmdlet).Impact;
        Assert.Equal(impact != CommandImpact.None, named.GetValueOrDefault(nameof(CmdletAttribute.SupportsShouldProcess)) is true);
        if (impact != CommandImpact.None)
        {
            var expected = impact == CommandImpact.High ? ConfirmImpact.High : ConfirmImpact.Medium;
            Assert.Equal((int)expected, named[nameof(CmdletAttribute.ConfirmImpact)]);
        }
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void PipelineBoundParametersMatchABackupRecordProperty(Type cmdlet)
    {
        var recordProperties = typeof(BackupRecord).GetProperties().ToDictionary(p => p.Name, p => p.PropertyType);
        foreach (var (property, parameter) in Parameters(cmdlet))
        {
            if (parameter.NamedArguments.Any(a => a.MemberName == nameof(ParameterAttribute.ValueFromPipelineByPropertyName) && a.TypedValue.Value is true))
            {
                Assert.True(recordProperties.TryGetValue(property.Name, out var type), $"{CmdletName(cmdlet)} -{property.Name} binds by property name, but BackupRecord has no {property.Name}.");
                Assert.Equal(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType, Nullable.GetUnderlyingType(type) ?? type);
            }
        }
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void ParametersAreExactlyTheCoreOptions(Type cmdlet)
    {
        var options = ((Type)cmdlet.GetCustomAttributesData().Single(a => a.AttributeType.Name == "GeneratedCmdletAttribute").ConstructorArguments[0].Value!)
            .GetProperties().Where(p => p.GetCustomAttribute<OptionAttribute>() is not null).Select(p => p.Name).Order();
        Assert.Equal(options, Parameters(cmdlet).Select(p => p.Property.Name).Order());
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void NoPasswordEverTravelsAsAPlainString(Type cmdlet)
    {
        foreach (var (property, _) in Parameters(cmdlet))
        {
            Assert.False(property.Name.Contains("Password", StringComparison.OrdinalIgnoreCase) && property.PropertyType == typeof(string),
                $"-{property.Name} takes a password as a string; use a PSCredential.");
        }
    }

    [Fact]
    public void ManifestExportsExactlyTheCmdlets()
    {
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BackupPs.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)").Groups["list"].Value;
        var exported = Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).Order();
        Assert.Equal(Cmdlets.Select(CmdletName).Order(), exported);
        Assert.Matches(@"RootModule\s*=\s*'module/bin/BackupPs.Module.dll'", manifest);
        Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Core'\)", manifest);
        Assert.Matches(@"PowerShellVersion\s*=\s*'7.4'", manifest);
        foreach (var format in Regex.Matches(manifest, @"FormatsToProcess\s*=\s*@\('([^']+)'\)").Select(m => m.Groups[1].Value))
        {
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, format)), $"{format} is listed but missing.");
        }
    }

    [Fact]
    public void FormatViewsNameStableTypeNamesOfRealTypes()
    {
        // Views key on the PSTypeNames the cmdlets add ("BackupPs." + the core type's name), never on internal namespaces.
        var views = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "module", "BackupPs.Format.ps1xml"));
        var names = Regex.Matches(views, "<TypeName>([^<]+)</TypeName>").Select(m => m.Groups[1].Value).ToArray();
        var coreTypes = typeof(BackupRecord).Assembly.GetExportedTypes().ToLookup(t => "BackupPs." + t.Name);
        Assert.Contains("BackupPs." + nameof(BackupRecord), names);
        foreach (var name in names)
        {
            Assert.Single(coreTypes[name]);
        }
    }

    /// <summary>
    /// The module must import into pwsh 7.4 (.NET 8) next to what pwsh already loaded: it may only
    /// reference framework assemblies of version 8 or lower, its own assemblies, and SMA (supplied by
    /// pwsh). Adding a dependency that pulls in newer framework assemblies (for example an Npgsql
    /// that needs System.Diagnostics.DiagnosticSource 9+) fails here, not at a user's Import-Module.
    /// </summary>
    [Fact]
    public void TheStubIsNeverShippedInTheModule()
    {
        var moduleBin = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "module", "bin"));
        Assert.True(File.Exists(Path.Combine(moduleBin, "BackupPs.Module.dll")), $"the build did not lay the module out in {moduleBin}");
        Assert.False(File.Exists(Path.Combine(moduleBin, "System.Management.Automation.dll")));
    }

    private static string CmdletName(Type cmdlet)
    {
        var attribute = Attribute<CmdletAttribute>(cmdlet);
        return $"{attribute.ConstructorArguments[0].Value}-{attribute.ConstructorArguments[1].Value}";
    }

    private static CommandAttribute Definition(Type cmdlet)
    {
        var options = (Type)cmdlet.GetCustomAttributesData().Single(a => a.AttributeType.Name == "GeneratedCmdletAttribute").ConstructorArguments[0].Value!;
        return options.GetCustomAttribute<CommandAttribute>()!;
    }

    private static CustomAttributeData Attribute<T>(MemberInfo member) =>
        member.GetCustomAttributesData().Single(a => a.AttributeType == typeof(T));

    private static IEnumerable<(PropertyInfo Property, CustomAttributeData Parameter)> Parameters(Type cmdlet) =>
        cmdlet.GetProperties()
            .Select(p => (Property: p, Parameter: p.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType == typeof(ParameterAttribute))))
            .Where(x => x.Parameter is not null)
            .Select(x => (x.Property, x.Parameter!));
}
