# Module manifest for BackupPs. `./build.ps1` puts the binaries into module/bin, after which
# `Import-Module ./BackupPs.psd1` works from the repository root.
@{
    RootModule           = 'module/bin/BackupPs.Module.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5cbc6b42-2dcf-4ecc-9bae-da5c56be6a80'
    Author               = 'BackupPs contributors'
    CompanyName          = 'BackupPs'
    Copyright            = '(c) BackupPs contributors. MIT License.'
    Description          = 'Proven backups of PostgreSQL in Docker (pg_dump inside the container, streamed, compressed, verified, catalogued) for small self-hosted deployments such as a Raspberry Pi 5.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    # Durations as [TimeSpan] in PowerShell, ISO 8601 text in ConvertTo-Json (see the file).
    TypesToProcess       = @('module/BackupPs.Types.ps1xml')
    FormatsToProcess     = @('module/BackupPs.Format.ps1xml')
    CmdletsToExport      = @(
        'Backup-Database'
        'Backup-Directory'
        'Backup-Volume'
        'Export-EnvFile'
        'Get-Backup'
        'Import-EnvFile'
        'Restore-Database'
        'Restore-Directory'
        'Restore-Volume'
        'Test-Backup'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    # The [Alias]es of the cmdlets (CommandAttribute.Aliases): a binary module's aliases are only exported when listed here.
    AliasesToExport      = @(
        'Export-EnvFiles'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('PSEdition_Core', 'Linux', 'Backup', 'PostgreSQL', 'Docker', 'RaspberryPi')
            ReleaseNotes = 'Backup-Database, Get-Backup, Restore-Database (new or -Replace, never destroying first) and Test-Backup (integrity, and -Restore drills).'
        }
    }
}
