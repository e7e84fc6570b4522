#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester tests of the module as an operator uses it. They need pwsh 7.4+, Pester 5, a Docker engine and the
# rig's image (tests/rig/setup.sh installs all of them); tools/test.sh runs them (tests/run-pester.ps1).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestContainer.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $script:container = New-TestContainer
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "bps-pester-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
}

AfterAll {
    Remove-TestContainer $container
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}

Describe 'BackupPs module' {
    It 'exports exactly the cmdlets of the manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../BackupPs.psd1')
        (Get-Command -Module BackupPs -CommandType Cmdlet).Name | Sort-Object | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $manifest.CmdletsToExport | Should -Contain 'Backup-Database'
        $manifest.CmdletsToExport | Should -Contain 'Backup-Directory'
        (Get-Alias Export-EnvFiles).ResolvedCommandName | Should -Be 'Export-EnvFile'
    }

    It 'declares output types' {
        (Get-Command Backup-Database).OutputType.Name | Should -Contain 'BackupPs.BackupRecord'
    }
}

Describe 'Backup-Database | Test-Backup' {
    It 'backs up, lists and proves a database' {
        $backup = Backup-Database -Container $container -Environment prod -Path $root
        $backup.Environment | Should -Be 'prod'
        $backup.Database | Should -Be 'app'
        # The flags, not their text: the enum's text lists set flags in an order that is not the one typed here.
        (Get-Item $backup.Path).UnixFileMode | Should -Be ([IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite)

        $latest = Get-Backup -Path $root -Environment prod -Latest
        $latest.Path | Should -Be $backup.Path

        $test = $latest | Test-Backup
        $test.Passed | Should -BeTrue
        $test.Checks.Name | Should -Contain 'RowCounts'
    }

    It 'proves a gzip backup with the CRC-32 of System.IO.Hashing, shipped in module/bin' {
        $backup = Backup-Database -Container $container -Environment test -Path $root -Compression Gzip
        ($backup | Test-Backup).Passed | Should -BeTrue
        $hashing = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'System.IO.Hashing' }
        $hashing.Location | Should -Be (Join-Path (Split-Path (Get-Module BackupPs).Path) 'System.IO.Hashing.dll')
    }

    It 'writes nothing with -WhatIf' {
        $whatIfRoot = Join-Path $root 'whatif'
        Backup-Database -Container $container -Environment prod -Path $whatIfRoot -WhatIf
        Test-Path $whatIfRoot | Should -BeFalse
    }

    It 'reports an unknown container as an ErrorRecord with a stable id' {
        Backup-Database -Container 'no-such-db' -Environment prod -Path $root -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*$container*"
    }

    It 'stops on a bad environment name whatever -ErrorAction says' {
        { Backup-Database -Container $container -Environment '../etc' -Path $root -ErrorAction SilentlyContinue } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'fails a damaged backup loudly' {
        $backup = Backup-Database -Container $container -Environment dev -Path $root
        $bytes = [IO.File]::ReadAllBytes($backup.Path)
        [IO.File]::WriteAllBytes($backup.Path, $bytes[0..($bytes.Length / 2)])
        $test = $backup | Test-Backup -ErrorAction SilentlyContinue -ErrorVariable err
        $test.Passed | Should -BeFalse
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BackupTestFailed,*'
    }
}

Describe 'Restore-Database and Test-Backup -Restore' {
    # xUnit: RestoreDatabaseTests and RestoreDrillTests cover the same behaviour through the CLI.
    BeforeAll {
        $script:restoreBackup = Backup-Database -Container $container -Environment dev -Path $root
    }

    It 'restores into a new database and proves it' {
        $record = $restoreBackup | Restore-Database -Database app_copy -Confirm:$false
        $record.Succeeded | Should -BeTrue
        $record.RowCountsMatch | Should -BeTrue
        $record.Mode | Should -Be 'New'
    }

    It 'replaces a database only after a safety backup, and -WhatIf changes nothing' {
        $restoreBackup | Restore-Database -Replace -WhatIf | Should -BeNullOrEmpty
        $record = $restoreBackup | Restore-Database -Replace -Confirm:$false
        $record.Succeeded | Should -BeTrue
        Test-Path $record.SafetyBackupPath | Should -BeTrue
    }

    It 'refuses to call the dev backup''s own source container prod, with a stable error id' {
        # The unlabelled source (same container id) is in the backup's environment; a contradicting -TargetEnvironment is refused.
        { $restoreBackup | Restore-Database -Database app_prod -TargetEnvironment prod -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'EnvironmentMismatch*'
    }

    It 'drills a backup: one result per backup, Passed, and nothing left behind' {
        $result = Get-Backup -Path $root -Environment dev -Latest | Test-Backup -Restore -Query 'select count(*) > 0 from employees'
        $result.Passed | Should -BeTrue
        ($result.Checks | Where-Object Name -EQ 'RestoredRows').Passed | Should -BeTrue
        docker exec $container psql -At -U app -d postgres -c "select count(*) from pg_database where datname like 'backupps%'" | Should -Be '0'
    }
}

