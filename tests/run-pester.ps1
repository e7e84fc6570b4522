#Requires -Version 7.4
<#
.SYNOPSIS
    Runs Pester tests with Pester 5.7.1 and ends with one line "Pester: N passed, N failed, N skipped".
.DESCRIPTION
    The one way the Pester tests run: tools/test.sh and build.ps1 -Task Test/Pester call it for tests/pester
    (whose Drills.Tests.ps1 runs tests/drills through it again, in a child pwsh, against stores it makes).
    Exits 1 when a test, a block or a whole file failed, and when nothing passed: a run of 0 tests proves nothing.
    Pester comes from the user's module folder, where tests/rig/setup.sh (install-pwsh.sh) puts it.
.PARAMETER Path
    Test files or folders; default tests/pester.
.PARAMETER ResultPath
    Where to write the NUnit XML report, if anywhere.
.EXAMPLE
    ~/.dotnet/tools/pwsh -NoProfile -File tests/run-pester.ps1
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [string[]] $Path = @(Join-Path $PSScriptRoot 'pester'),
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
$pesterVersion = '5.7.1'
if (-not (Get-Module -ListAvailable Pester | Where-Object Version -EQ $pesterVersion)) {
    Write-Error "Pester $pesterVersion is not installed; run tests/rig/install-pwsh.sh (tests/rig/setup.sh runs it)."
}
Import-Module Pester -RequiredVersion $pesterVersion

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
# Colour codes only on a terminal; logs (CI, test.sh's tee, a drill run inside Drills.Tests.ps1) stay plain text.
$config.Output.RenderMode = [Console]::IsOutputRedirected ? 'Plaintext' : 'Auto'
if ($ResultPath) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = $ResultPath
}
$result = Invoke-Pester -Configuration $config

# A file that does not parse or a failing BeforeAll fails its container or block; count it when no test
# failed with it, so the summary never says "0 failed" for a run that did not pass.
$failed = $result.FailedCount
if ($result.Result -ne 'Passed' -and $failed -eq 0) {
    $failed = [Math]::Max(1, $result.FailedContainersCount + $result.FailedBlocksCount)
}
"Pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
exit ($failed -eq 0 -and $result.PassedCount -gt 0 ? 0 : 1)
