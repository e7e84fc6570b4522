#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages BackupPs.
.DESCRIPTION
    Build   : dotnet build of the solution; the cmdlet project lays the module out in module/bin,
              so `Import-Module ./BackupPs.psd1` works afterwards.
    Test    : Build, every xUnit test project of the solution (unit, contract, runspace and end-to-end against
              real Docker), then Pester.
    Pester  : only the Pester tests: tests/pester, which also run the drills in tests/drills against stores
              they make (tests/run-pester.ps1; needs Pester 5.7.1 and a Docker engine: tests/rig/setup.sh).
    Package : Build, then out/BackupPs/<version>/ (manifest + module folder) zipped, and the
              self-contained-free `backupps` CLI published to out/backupps/.
    The end-to-end tests need root, a Docker engine and the test image: tools/test.sh (the README's
    test command) installs and starts those first, then calls the same steps.
.EXAMPLE
    ./build.ps1 -Task Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot

function Invoke-Native([string] $Program, [string[]] $Arguments) {
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $root 'BackupPs.sln'), '-c', $Configuration, '--nologo')
}

# Runs the Pester tests the way tools/test.sh does: tests/run-pester.ps1 in a child pwsh, so this script's strict
# mode does not reach the tests; it fails when a test fails or nothing passed.
function Invoke-PesterTests {
    Invoke-Native (Join-Path $PSHOME 'pwsh') @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/run-pester.ps1'))
}

# The test projects are the solution's (as in tools/test.sh), run one after the other; a failing one does not stop
# the next.
function Invoke-XunitTests {
    $projects = dotnet sln (Join-Path $root 'BackupPs.sln') list | Where-Object { $_ -match '^tests/.+\.Tests\.csproj$' }
    $failed = foreach ($project in $projects) {
        dotnet test (Join-Path $root $project) -c $Configuration --no-build --nologo
        if ($LASTEXITCODE -ne 0) { $project }
    }
    if ($failed) { throw "Tests failed in $($failed -join ', ')." }
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' {
            Invoke-Build
            Invoke-XunitTests
            Invoke-PesterTests
        }
        'Pester' { Invoke-PesterTests }
        'Package' {
            Invoke-Build
            $version = (Import-PowerShellDataFile (Join-Path $root 'BackupPs.psd1')).ModuleVersion
            $out = Join-Path $root "out/BackupPs/$version"
            Remove-Item -Recurse -Force $out -ErrorAction Ignore
            New-Item -ItemType Directory -Force (Join-Path $out 'module') | Out-Null
            Copy-Item (Join-Path $root 'BackupPs.psd1') $out
            Copy-Item (Join-Path $root 'module/*') (Join-Path $out 'module') -Recurse
            Compress-Archive -Path $out -DestinationPath (Join-Path $root "out/BackupPs-$version.zip") -Force
            Invoke-Native dotnet @('publish', (Join-Path $root 'src/BackupPs.Cli'), '-c', $Configuration, '--nologo', '-o', (Join-Path $root 'out/backupps'))
            Write-Host "Packaged out/BackupPs-$version.zip and out/backupps/"
        }
    }
}
