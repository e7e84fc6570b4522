#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages BackupPs.
.DESCRIPTION
    Build   : dotnet build of the solution; the cmdlet project lays the module out in module/bin,
              so `Import-Module ./BackupPs.psd1` works afterwards.
    Test    : Build, the xUnit suite (unit, contract and end-to-end against real Docker), then Pester.
    Pester  : only the Pester tests in tests/pester (needs Pester 5 and a Docker engine).
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

function Invoke-Pester5 {
    if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0')) {
        Write-Warning 'Pester 5 is not installed: Pester tests skipped (Install-Module Pester -MinimumVersion 5.0).'
        return
    }
    Import-Module Pester -MinimumVersion 5.0
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $root 'tests/pester'
    $config.Run.Exit = $true
    $config.Output.Verbosity = 'Detailed'
    Invoke-Pester -Configuration $config
}

foreach ($step in $Task) {
    switch ($step) {
        'Build' { Invoke-Build }
        'Test' {
            Invoke-Build
            Invoke-Native dotnet @('test', (Join-Path $root 'tests/BackupPs.Tests'), '-c', $Configuration, '--no-build', '--nologo')
            Invoke-Pester5
        }
        'Pester' { Invoke-Pester5 }
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
