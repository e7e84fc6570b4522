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
        foreach (var (property, _) in Parameters(cmdlet).Where(p => p.Property.Name is "Container" or "ComposeProject" or "ComposeService" or "Environment" or "TargetEnvironment" or "Database" or "Name" or "Volume"))
        {
            var completer = (Type)Attribute<ArgumentCompleterAttribute>(property).ConstructorArguments[0].Value!;
            Assert.Equal("BackupPs.Completion." + (property.Name == "TargetEnvironment" ? "Environment" : property.Name) + "Completer", completer.FullName);
        }
    }

    /// <summary>
    /// PowerShell offers file names to a parameter without a completer: only paths may get them. Every other parameter
    /// completes from its source, or nothing (-Role, -Query, -Since, -Jobs, -Credential); switches and enums complete on their own.
    /// </summary>
    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void OnlyPathsFallBackToFileNames(Type cmdlet)
    {
        var paths = OptionsOf(cmdlet).Where(o => o.GetCustomAttribute<OptionAttribute>()!.IsAnyPath).Select(o => o.Name).Append("LiteralPath").ToHashSet();
        foreach (var (property, _) in Parameters(cmdlet).Where(p => !paths.Contains(p.Property.Name)))
        {
            var type = Element(property.PropertyType);
            Assert.True(type == typeof(SwitchParameter) || type.IsEnum || Has<ArgumentCompleterAttribute>(property),
                $"{CmdletName(cmdlet)} -{property.Name} has no completer, so PowerShell completes file names for it.");
        }
    }

    /// <summary>A command's other names (Export-EnvFiles) are [Alias]es of its cmdlet, named as cmdlets are, and not those of another command.</summary>
    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void CommandAliasesAreTheCmdletsAliases(Type cmdlet)
    {
        var aliases = AliasesOf(cmdlet);
        Assert.Equal(Definition(cmdlet).Aliases.Order(), aliases.Order());
        Assert.All(aliases, a => Assert.Matches("^[A-Z][a-z]+-[A-Z][A-Za-z]+$", a));
        Assert.Empty(aliases.Intersect(Cmdlets.Select(CmdletName)));
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
        var sources = OptionsOf(cmdlet).Where(o => o.GetCustomAttribute<OptionAttribute>()!.IsSourcePath).Select(o => o.Name).ToHashSet();
        foreach (var (property, parameters) in Parameters(cmdlet))
        {
            // -LiteralPath binds Get-ChildItem's PSPath (its alias), a source path FullName/PSPath: not record properties.
            if (property.Name != "LiteralPath" && !sources.Contains(property.Name) && parameters.Any(p => Named(p, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) is true))
            {
                Assert.True(recordProperties.TryGetValue(property.Name, out var type), $"{CmdletName(cmdlet)} -{property.Name} binds by property name, but BackupRecord has no {property.Name}.");
                // A record's Volume (a VolumeSource) binds to -Volume as its name (VolumeSource.ToString), so
                // Get-Backup -Kind Volume | Backup-Volume backs the same volumes up again.
                Assert.Equal(Element(property.PropertyType), type == typeof(VolumeSource) ? typeof(string) : Element(type));
            }
        }
    }

    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void ParametersAreExactlyTheCoreOptions(Type cmdlet)
    {
        var options = ((Type)cmdlet.GetCustomAttributesData().Single(a => a.AttributeType.Name == "GeneratedCmdletAttribute").ConstructorArguments[0].Value!)
            .GetProperties().Where(p => p.GetCustomAttribute<OptionAttribute>() is not null).Select(p => p.Name);
        // Plus the -LiteralPath twin of -Path, generated (see EveryPathHasALiteralPathTwin).
        var expected = options.Contains("Path") ? options.Append("LiteralPath") : options;
        Assert.Equal(expected.Order(), Parameters(cmdlet).Select(p => p.Property.Name).Order());
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

    /// <summary>An empty string means nothing in these options: every string parameter refuses it, or says it allows it.</summary>
    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void EveryStringParameterIsValidated(Type cmdlet)
    {
        foreach (var (property, _) in Parameters(cmdlet).Where(p => Element(p.Property.PropertyType) == typeof(string)))
        {
            Assert.True(Has<ValidateNotNullOrEmptyAttribute>(property) || Has<AllowEmptyStringAttribute>(property),
                $"{CmdletName(cmdlet)} -{property.Name} takes any string, '' too; set AllowEmpty on its [Option] only where '' means something.");
        }
    }

    /// <summary>
    /// -Path takes wildcards and string input from the pipeline where it reads backups, and has a -LiteralPath twin
    /// (alias PSPath, so Get-ChildItem output binds) that is never in the same parameter set. In a command with a source
    /// path (what is backed up), piped files bind there: neither -Path nor -LiteralPath takes pipeline input or PSPath.
    /// </summary>
    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void EveryPathHasALiteralPathTwin(Type cmdlet)
    {
        var parameters = Parameters(cmdlet).ToDictionary(p => p.Property.Name);
        Assert.True(parameters.TryGetValue("Path", out var path), $"{CmdletName(cmdlet)} has no -Path.");
        Assert.True(parameters.TryGetValue("LiteralPath", out var literal), $"{CmdletName(cmdlet)} -Path has no -LiteralPath.");
        Assert.True(Has<SupportsWildcardsAttribute>(path.Property));
        Assert.False(Has<SupportsWildcardsAttribute>(literal.Property));
        var source = OptionsOf(cmdlet).SingleOrDefault(o => o.GetCustomAttribute<OptionAttribute>()!.IsSourcePath);
        var aliases = literal.Property.GetCustomAttributesData().Single(a => a.AttributeType == typeof(AliasAttribute)).ConstructorArguments[0].Value;
        Assert.Equal(source is null ? ["PSPath", "LP"] : ["LP"], ((IEnumerable<CustomAttributeTypedArgument>)aliases!).Select(a => (string)a.Value!));
        Assert.All(literal.Parameters, p => Assert.True(Named(p, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) is true == (source is null) && Named(p, nameof(ParameterAttribute.Mandatory)) is true));
        if (source is not null)
        {
            Assert.All(path.Parameters, p => Assert.False(Named(p, nameof(ParameterAttribute.ValueFromPipeline)) is true || Named(p, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) is true));
            var sourceAliases = parameters[source.Name].Property.GetCustomAttributesData().Single(a => a.AttributeType == typeof(AliasAttribute)).ConstructorArguments[0].Value;
            Assert.Equal(["FullName", "PSPath"], ((IEnumerable<CustomAttributeTypedArgument>)sourceAliases!).Select(a => (string)a.Value!));
            Assert.All(parameters[source.Name].Parameters, p => Assert.True(Named(p, nameof(ParameterAttribute.ValueFromPipeline)) is true && Named(p, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) is true));
        }

        Assert.Empty(SetsOf(path.Parameters).Intersect(SetsOf(literal.Parameters)));
        Assert.Equal(path.Property.PropertyType, literal.Property.PropertyType);
        if (path.Property.PropertyType == typeof(string[]) && source is null)
        {
            Assert.All(path.Parameters, p => Assert.True(Named(p, nameof(ParameterAttribute.ValueFromPipeline)) is true, $"{CmdletName(cmdlet)} -Path does not take piped strings."));
        }
    }

    /// <summary>
    /// An option that only works with a switch is only in parameter sets where that switch is mandatory; one that a
    /// switch makes meaningless is in none of that switch's sets.
    /// </summary>
    [Theory]
    [MemberData(nameof(CmdletTypes))]
    public void OptionsThatNeedOrExcludeASwitchAreOnlyInTheRightSets(Type cmdlet)
    {
        var parameters = Parameters(cmdlet).ToDictionary(p => p.Property.Name);
        foreach (var option in OptionsOf(cmdlet))
        {
            var attribute = option.GetCustomAttribute<OptionAttribute>()!;
            var sets = SetsOf(parameters[option.Name].Parameters);
            if (attribute.Requires is { } requires)
            {
                Assert.All(parameters[requires].Parameters, p => Assert.True(Named(p, nameof(ParameterAttribute.Mandatory)) is true));
                Assert.Subset(SetsOf(parameters[requires].Parameters).ToHashSet(), sets.ToHashSet());
            }

            if (attribute.Excludes is { } excludes)
            {
                Assert.All(parameters[excludes].Parameters, p => Assert.True(Named(p, nameof(ParameterAttribute.Mandatory)) is true));
                Assert.Empty(SetsOf(parameters[excludes].Parameters).Intersect(sets));
            }
        }
    }

    /// <summary>Numbers have their range, enums leave out the members never accepted, names follow the core's rules: all at binding.</summary>
    [Fact]
    public void ValidationComesFromTheOptions()
    {
        var jobs = typeof(RestoreDatabaseCommand).GetProperty("Jobs")!.GetCustomAttributesData().Single(a => a.AttributeType == typeof(ValidateRangeAttribute));
        Assert.Equal([0, 64], jobs.ConstructorArguments.Select(a => Convert.ToInt32(a.Value, System.Globalization.CultureInfo.InvariantCulture)));
        var accept = typeof(RestoreDatabaseCommand).GetProperty("AcceptError")!.GetCustomAttributesData().Single(a => a.AttributeType == typeof(ValidateSetAttribute));
        var names = ((IEnumerable<CustomAttributeTypedArgument>)accept.ConstructorArguments[0].Value!).Select(a => (string)a.Value!).ToArray();
        Assert.DoesNotContain(nameof(Core.Restore.RestoreErrorClass.Other), names);
        Assert.Equal(Enum.GetNames<Core.Restore.RestoreErrorClass>().Length - 1, names.Length);
        foreach (var cmdlet in Cmdlets)
        {
            foreach (var option in OptionsOf(cmdlet).Where(o => o.Name.EndsWith("Environment", StringComparison.Ordinal) && o.PropertyType == typeof(string)))
            {
                Assert.Equal(OptionRule.EnvironmentName, option.GetCustomAttribute<OptionAttribute>()!.Rule);
                Assert.Contains(cmdlet.GetProperty(option.Name)!.GetCustomAttributesData(), a => a.AttributeType.Name == "ValidateOptionRuleAttribute");
            }
        }
    }

    [Fact]
    public void ManifestExportsExactlyTheCmdlets()
    {
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BackupPs.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)").Groups["list"].Value;
        var exported = Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).Order();
        Assert.Equal(Cmdlets.Select(CmdletName).Order(), exported);
        // A binary module's [Alias] on a cmdlet is only exported when AliasesToExport lists it.
        var aliasBlock = Regex.Match(manifest, @"AliasesToExport\s*=\s*@\((?<list>[^)]*)\)").Groups["list"].Value;
        Assert.Equal(Cmdlets.SelectMany(AliasesOf).Order(), Regex.Matches(aliasBlock, "'([^']+)'").Select(m => m.Groups[1].Value).Order());
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
            // An entry may name the form Export-Clixml and Receive-Job give back too (Deserialized.BackupPs.X).
            Assert.Single(coreTypes[name.StartsWith("Deserialized.", StringComparison.Ordinal) ? name["Deserialized.".Length..] : name]);
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

    private static PropertyInfo[] OptionsOf(Type cmdlet) =>
        ((Type)cmdlet.GetCustomAttributesData().Single(a => a.AttributeType.Name == "GeneratedCmdletAttribute").ConstructorArguments[0].Value!)
            .GetProperties().Where(p => p.GetCustomAttribute<OptionAttribute>() is not null).ToArray();

    private static CommandAttribute Definition(Type cmdlet)
    {
        var options = (Type)cmdlet.GetCustomAttributesData().Single(a => a.AttributeType.Name == "GeneratedCmdletAttribute").ConstructorArguments[0].Value!;
        return options.GetCustomAttribute<CommandAttribute>()!;
    }

    private static CustomAttributeData Attribute<T>(MemberInfo member) =>
        member.GetCustomAttributesData().Single(a => a.AttributeType == typeof(T));

    /// <summary>Each parameter with its [Parameter] attributes, one per parameter set it is in.</summary>
    private static IEnumerable<(PropertyInfo Property, IReadOnlyList<CustomAttributeData> Parameters)> Parameters(Type cmdlet) =>
        cmdlet.GetProperties()
            .Select(p => (Property: p, Parameters: (IReadOnlyList<CustomAttributeData>)p.GetCustomAttributesData().Where(a => a.AttributeType == typeof(ParameterAttribute)).ToArray()))
            .Where(x => x.Parameters.Count > 0);

    private static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;

    /// <summary>The parameter sets a parameter is in; "__AllParameterSets" when its [Parameter] names none.</summary>
    private static string[] SetsOf(IReadOnlyList<CustomAttributeData> parameters) =>
        parameters.Select(p => Named(p, nameof(ParameterAttribute.ParameterSetName)) as string ?? "__AllParameterSets").ToArray();

    /// <summary>The names an [Alias] on <paramref name="member"/> gives it; none without one.</summary>
    private static string[] AliasesOf(MemberInfo member) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType == typeof(AliasAttribute))
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(a => (string)a.Value!)
            .ToArray();

    private static bool Has<T>(PropertyInfo property) => property.GetCustomAttributesData().Any(a => a.AttributeType == typeof(T));

    private static Type Element(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsArray ? type.GetElementType()! : type;
    }
}
