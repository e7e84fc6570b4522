#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Application-level drill: the latest prod backup, restored, must answer the questions the
# application depends on. Adapt the queries to your schema; each one is a Test-Backup -Restore
# -Query with the value it must return (psql's unaligned text; t for true).
# Also covered by xUnit: RestoreDrillTests.ADrillRestoresComparesRowsChecksPrismaAndDropsEverything
# and AWrongAnswerFailsTheDrillWithAResultAndAnError.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $script:backup = Get-Backup -Path ($env:BACKUPPS_STORE ?? './backups') -Environment prod -Kind Database -Latest |
        Select-Object -First 1
}

Describe 'The latest prod backup answers like the application expects' -Skip:(-not $backup) {
    It '<Name>' -ForEach @(
        @{ Name = 'has employees';                     Query = 'select count(*) > 0 from employees';                            Expected = 't' }
        @{ Name = 'has no loan without its item';      Query = 'select count(*) from loans l left join items i on i.id = l."itemId" where i.id is null'; Expected = '0' }
        @{ Name = 'ran the latest migration';          Query = "select max(migration_name) >= '20240607' from _prisma_migrations"; Expected = 't' }
    ) {
        $result = $backup | Test-Backup -Restore -Query $Query -Expected $Expected -ErrorAction SilentlyContinue
        ($result.Checks | Where-Object Name -EQ 'Query').Detail | Should -Match 'as expected'
        $result.Passed | Should -BeTrue
    }
}
