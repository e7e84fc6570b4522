#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Application-level drill: the latest backup of an environment (BACKUPPS_ENVIRONMENT, default prod; of the
# database BACKUPPS_DATABASE when the store holds several), restored, must answer the questions the
# application depends on. Adapt the queries to your schema; each one is a Test-Backup -Restore -Query with
# the value it must return (psql's unaligned text; t for true). These are the runbook's lending app's (Prisma):
# tests/rig/seed-database.sql builds that schema, and tests/pester/Drills.Tests.ps1 runs this drill against a
# backup of it, and against an empty store, which must fail: no backup is a failed drill, never a skipped one.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $store = $env:BACKUPPS_STORE ?? './backups'
    $select = @{ Path = $store; Environment = $env:BACKUPPS_ENVIRONMENT ?? 'prod'; Kind = 'Database'; Latest = $true }
    if ($env:BACKUPPS_DATABASE) { $select.Database = $env:BACKUPPS_DATABASE }
    # Why the store gave no backup (a missing root, say) goes into the failure, whether Get-Backup wrote it or threw it.
    $script:backup = try {
        Get-Backup @select -ErrorAction SilentlyContinue -ErrorVariable listErrors | Select-Object -First 1
    }
    catch {
        $listErrors = @($_)
    }
    $script:noBackup = "there is no $($select.Environment) backup in $store to drill; Get-Backup said: '$($listErrors -join ' ')'"
}

Describe 'The latest backup answers like the application expects' {
    It '<Name>' -ForEach @(
        @{ Name = 'has employees';                     Query = 'select count(*) > 0 from employees';                            Expected = 't' }
        @{ Name = 'has no loan without its item';      Query = 'select count(*) from loans l left join items i on i.id = l."itemId" where i.id is null'; Expected = '0' }
        @{ Name = 'ran the latest migration';          Query = "select max(migration_name) >= '20240607' from _prisma_migrations"; Expected = 't' }
    ) {
        $backup | Should -Not -BeNullOrEmpty -Because $noBackup
        $result = $backup | Test-Backup -Restore -Query $Query -Expected $Expected -ErrorAction SilentlyContinue
        ($result.Checks | Where-Object Name -EQ 'Query').Detail | Should -Match 'as expected'
        $result.Passed | Should -BeTrue
    }
}
