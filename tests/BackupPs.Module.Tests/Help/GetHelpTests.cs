using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Help;

/// <summary>
/// Get-Help in a real runspace shows the help generated at build (en-US/BackupPs.Module.dll-Help.xml
/// and about_BackupPs.help.txt in the module base): every cmdlet and parameter documented and agreeing
/// with the metadata pwsh binds with, at least two examples that parse and use real parameters, and
/// related links that resolve.
/// </summary>
public sealed class GetHelpTests(GetHelpTests.Session fixture) : IClassFixture<GetHelpTests.Session>
{
    private readonly ModuleSession _session = fixture.Module;

    private static readonly string[] CmdletNames = ["Backup-Database", "Backup-Directory", "Backup-Volume", "Export-EnvFile", "Get-Backup", "Import-EnvFile", "Restore-Database", "Restore-Directory", "Restore-Volume", "Test-Backup"];

    public static TheoryData<string> Cmdlets() => new(CmdletNames);

    [Fact]
    public void TheHelpFileEveryCmdletNamesExistsInTheModuleBaseCultureFolder()
    {
        var missing = _session.Invoke("""
            # HelpFile is the bare file name until Get-Help has resolved it to a full path.
            Get-Command -Module BackupPs -CommandType Cmdlet | Where-Object {
                -not (Test-Path -LiteralPath (Join-Path $_.Module.ModuleBase 'en-US' (Split-Path -Leaf $_.HelpFile)))
            } | ForEach-Object Name
            """).AssertSucceeded().Output;
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryCmdletHasHelp()
    {
        var names = _session.Invoke("(Get-Command -Module BackupPs -CommandType Cmdlet).Name | Sort-Object").AssertSucceeded().Output.Select(o => o.ToString());
        Assert.Equal(CmdletNames, names);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void FullHelpHasSynopsisDescriptionInputsOutputsAndNotes(string cmdlet)
    {
        var text = Text(_session.Invoke("Get-Help $args[0] -Full | Out-String -Width 200", cmdlet));
        foreach (var section in new[] { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "Example 1:", "Example 2:", "RELATED LINKS" })
        {
            Assert.Contains(section, text);
        }

        var help = _session.Invoke("""
            $help = Get-Help $args[0] -Full
            $command = Get-Command $args[0]
            [pscustomobject]@{
                Synopsis = $help.Synopsis
                Description = ($help.description.Text -join ' ')
                Outputs = @($help.returnValues.returnValue.type.name)
                OutputDescription = ($help.returnValues.returnValue.description.Text -join ' ')
                # The PSTypeName strings; each has a typed [OutputType] next to it (for property completion) that help leaves out.
                DeclaredOutputs = @($command.OutputType | Where-Object { -not $_.Type } | ForEach-Object Name)
                Inputs = @($help.inputTypes.inputType | Where-Object { $_.description.Text }).Count
                SyntaxLines = @($help.syntax.syntaxItem).Count
                ParameterSets = $command.ParameterSets.Count
            }
            """, cmdlet).AssertSucceeded().Output.Single();
        Assert.False(string.IsNullOrWhiteSpace((string)help.Properties["Synopsis"].Value));
        Assert.NotEqual(cmdlet, ((string)help.Properties["Synopsis"].Value).Trim());
        Assert.True(((string)help.Properties["Description"].Value).Length > 200, "The description is a few paragraphs.");
        Assert.Equal(Strings(help, "DeclaredOutputs"), Strings(help, "Outputs"));
        Assert.False(string.IsNullOrWhiteSpace((string)help.Properties["OutputDescription"].Value));
        Assert.True((int)help.Properties["Inputs"].Value > 0);
        Assert.Equal(help.Properties["ParameterSets"].Value, help.Properties["SyntaxLines"].Value);
    }

    /// <summary>
    /// INPUTS and OUTPUTS name the stable PSTypeNames (BackupPs.BackupRecord), once each: not the internal .NET names
    /// (BackupPs.Core.Catalog.BackupRecord, BackupPs.Core.Verification.TestBackupResult), which may move.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void HelpNamesTheStableTypeNamesOnly(string cmdlet)
    {
        var help = Text(_session.Invoke("Get-Help $args[0] -Full | Out-String -Width 80", cmdlet));
        Assert.DoesNotContain("BackupPs.Core", help, StringComparison.Ordinal);
        var outputs = help[help.IndexOf("OUTPUTS", StringComparison.Ordinal)..];
        outputs = outputs[..outputs.IndexOf("NOTES", StringComparison.Ordinal)];
        var names = outputs.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("BackupPs.", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(names);
        Assert.Equal(names.Distinct().Count(), names.Length);
    }

    /// <summary>
    /// Get-Help -Parameter shows, for every parameter pwsh binds (what the generator and any
    /// hand-written parameter add included), a description and exactly the metadata of the command.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void EveryParameterIsDocumentedAsPwshBindsIt(string cmdlet)
    {
        var problems = _session.Invoke("""
            $name = $args[0]
            $command = Get-Command $name
            $common = [System.Management.Automation.Cmdlet]::CommonParameters
            foreach ($p in $command.Parameters.Values | Where-Object Name -notin $common) {
                $h = Get-Help $name -Parameter $p.Name
                $sets = @($p.ParameterSets.Values)
                $type = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType
                $positions = @($sets | Where-Object Position -ge 0 | ForEach-Object Position)
                $pipeline = @(
                    if ($sets | Where-Object ValueFromPipeline) { 'ByValue' }
                    if ($sets | Where-Object ValueFromPipelineByPropertyName) { 'ByPropertyName' })
                $expected = [ordered]@{
                    required = (@($sets | Where-Object IsMandatory).Count -eq $sets.Count).ToString().ToLowerInvariant()
                    position = if ($positions.Count) { [string]$positions[0] } else { 'named' }
                    pipelineInput = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
                    globbing = ([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToString().ToLowerInvariant()
                    aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
                    type = if ($type -eq [switch]) { 'SwitchParameter' } else { $type.Name }
                }
                if (-not ($h.description.Text -join '').Trim()) { "-$($p.Name) has no description" }
                $actual = @{
                    required = $h.required; position = $h.position; pipelineInput = $h.pipelineInput
                    globbing = $h.globbing; aliases = $h.aliases; type = $h.type.name
                }
                foreach ($key in $expected.Keys) {
                    if ($actual[$key] -ne $expected[$key]) { "-$($p.Name) $key is '$($actual[$key])' in the help, '$($expected[$key])' in the command" }
                }
            }
            """, cmdlet).AssertSucceeded().Output.Select(o => o.ToString());
        Assert.Empty(problems);
    }

    /// <summary>
    /// At least two examples; each parses, every command it runs exists, and every BackupPs command in
    /// it binds its parameters by their exact names (no unknown, ambiguous or abbreviated parameter).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void ExamplesParseAndUseRealParameters(string cmdlet)
    {
        var result = _session.Invoke("""
            $examples = @((Get-Help $args[0] -Examples).examples.example)
            [pscustomobject]@{ Count = $examples.Count }
            foreach ($example in $examples) {
                $tokens = $null; $errors = $null
                $ast = [System.Management.Automation.Language.Parser]::ParseInput($example.code, [ref]$tokens, [ref]$errors)
                foreach ($e in $errors) { "$($example.title): does not parse: $($e.Message)" }
                if (-not $example.remarks.Text) { "$($example.title): no remarks" }
                foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                    $name = $call.GetCommandName()
                    $command = Get-Command $name -ErrorAction SilentlyContinue
                    if (-not $command) { "$($example.title): no command $name"; continue }
                    if ($command.ModuleName -ne 'BackupPs') { continue }
                    $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true)
                    foreach ($failure in $binding.BindingExceptions.Values) { "$($example.title): $name $($failure.BindingException.Message)" }
                    $names = $command.Parameters.Keys + @($command.Parameters.Values.Aliases)
                    foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                        if ($parameter.ParameterName -notin $names) { "$($example.title): $name has no parameter -$($parameter.ParameterName)" }
                    }
                }
            }
            """, cmdlet).AssertSucceeded().Output;
        Assert.True((int)result[0].Properties["Count"].Value >= 2, $"{cmdlet} has fewer than two examples.");
        Assert.Empty(result.Skip(1).Select(o => o.ToString()));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void RelatedLinksResolve(string cmdlet)
    {
        var result = _session.Invoke("""
            $command = Get-Command $args[0]
            $links = @((Get-Help $args[0] -Full).relatedLinks.navigationLink.linkText)
            [pscustomobject]@{ Links = $links }
            foreach ($link in $links) {
                $resolved = switch -Regex ($link) {
                    '^about_' { [bool](Get-Help $link -ErrorAction SilentlyContinue) }
                    '^\w+-\w+$' { [bool](Get-Command $link -Module BackupPs -ErrorAction SilentlyContinue) }
                    '^(?<file>\S+\.md)\b' { Test-Path -LiteralPath (Join-Path $command.Module.ModuleBase $Matches.file) }
                    default { $false }
                }
                if (-not $resolved) { "'$link' does not resolve" }
            }
            """, cmdlet).AssertSucceeded().Output;
        var links = Strings(result[0], "Links");
        Assert.Empty(result.Skip(1).Select(o => o.ToString()));
        Assert.Equal(CmdletNames.Where(c => c != cmdlet), links.Where(l => l.Contains('-', StringComparison.Ordinal) && !l.Contains(' ', StringComparison.Ordinal)));
        Assert.Contains("about_BackupPs", links);
        Assert.Contains(links, l => l.StartsWith("README.md", StringComparison.Ordinal));
    }

    [Fact]
    public void AboutTopicIsFoundAndCoversTheModule()
    {
        var text = Text(_session.Invoke("Get-Help about_BackupPs | Out-String"));
        foreach (var expected in new[]
        {
            "about_BackupPs", "THE STORE", "SAFETY RULES", "ENVIRONMENTS", "RESTORING BY HAND", "THE BACKUPPS PROGRAM",
            "<root>/<environment>/<database>/", "backupps.environment", "zstd -dc", "pg_restore", "BACKUPPS_PASSWORD",
            "Backup-Database", "Get-Backup", "Restore-Database", "Test-Backup",
            "backupps backup-database", "backupps get-backup", "backupps restore-database", "backupps test-backup",
        })
        {
            Assert.Contains(expected, text);
        }
    }

    private static string Text(SessionResult result) => string.Concat(result.AssertSucceeded().Output.Select(o => o.ToString()));

    private static string[] Strings(PSObject item, string property)
    {
        var value = item.Properties[property].Value;
        var list = (System.Collections.IEnumerable)(value is PSObject wrapped ? wrapped.BaseObject : value);
        return list.Cast<object>().Select(o => o.ToString()!).ToArray();
    }

    /// <summary>One runspace for the class: reading help changes nothing.</summary>
    public sealed class Session : IDisposable
    {
        public ModuleSession Module { get; } = ModuleSession.Start();

        public void Dispose() => Module.Dispose();
    }
}
