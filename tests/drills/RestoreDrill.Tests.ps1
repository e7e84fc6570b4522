#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Restore drill: proves that the latest backup of every database of an environment restores, with
# exact row counts, the Prisma migrations and the application's own invariants. Run it from cron or
# a systemd timer after the nightly backup, on the backup host (pwsh 7.4+, Pester 5):
#
#   $env:BACKUPPS_STORE = '/srv/backups'; $env:BACKUPPS_ENVIRONMENT = 'prod'
#   Invoke-Pester ./tests/drills -Output Detailed -CI     # exit code != 0 when a drill fails
#
# Each backup is restored into a throwaway database (backupps_drill_*) in its source container, or
# with BACKUPPS_DRILL_ISOLATED=1 into a throwaway container from the same image, and always dropped.
# A store with no backup of the environment (a wrong path, an empty folder, a wrong environment) fails
# the drill: a drill of nothing proves nothing. tests/pester/Drills.Tests.ps1 runs this drill against a
# store it makes, and against empty, missing, wrong-environment and damaged stores, which must fail.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $store = $env:BACKUPPS_STORE ?? './backups'
    $environment = $env:BACKUPPS_ENVIRONMENT ?? 'prod'
    # One test case per database: the latest backup of each. Why the store gave none is kept for the test that says so.
    $listed = try {
        @(Get-Backup -Path $store -Environment $environment -Kind Database -Latest -ErrorAction SilentlyContinue -ErrorVariable listErrors)
    }
    catch {
        $listErrors = @($_)
        @()
    }
    $script:storeCase = @{
        Store = $store; Environment = $environment; Count = $listed.Count
        Errors = @($listErrors | ForEach-Object { "$_" }) -join ' '
    }
    $script:latest = @($listed | ForEach-Object { @{ Backup = $_; Name = "$($_.Database) ($($_.StartedUtc.ToString('u')))" } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
}

Describe 'The store <Store>' -ForEach @($storeCase) {
    It 'holds backups of the <Environment> environment' {
        $Count | Should -BeGreaterThan 0 -Because "a drill of no backup proves nothing; Get-Backup said: '$Errors'"
    }
}

Describe 'Restore drill of <Name>' -ForEach $latest {
    BeforeAll {
        $drill = @{ Restore = $true; Isolated = ($env:BACKUPPS_DRILL_ISOLATED -eq '1') }
        $script:result = $Backup | Test-Backup @drill -ErrorAction SilentlyContinue -ErrorVariable drillErrors
        $script:drillErrors = @($drillErrors | ForEach-Object { "$_" }) -join ' '
    }

    It 'restores and passes every check' {
        $result | Should -Not -BeNullOrEmpty -Because "Test-Backup -Restore gave no result: '$drillErrors'"
        $failed = $result.Checks | Where-Object { -not $_.Passed } | ForEach-Object { "$($_.Name): $($_.Detail)" }
        $failed | Should -BeNullOrEmpty
        $result.Passed | Should -BeTrue -Because $drillErrors
    }

    It 'restores the exact row count of every table' {
        ($result.Checks | Where-Object Name -EQ 'RestoredRows').Passed | Should -BeTrue
    }

    It 'has every Prisma migration finished, when the app uses Prisma' {
        $prisma = $result.Checks | Where-Object Name -EQ 'PrismaMigrations'
        if ($prisma) { $prisma.Passed | Should -BeTrue }
    }

    It 'restores within the recovery time objective' {
        # A restore must have happened: nothing restored has no duration, and $null is "less than" any time.
        ($result.Checks | Where-Object Name -EQ 'Restore').Passed | Should -BeTrue -Because "the backup must restore: '$drillErrors'"
        $result.RestoreDuration | Should -Not -BeNullOrEmpty
        $rto = [timespan]::FromMinutes([double]($env:BACKUPPS_RTO_MINUTES ?? 30))
        $result.RestoreDuration | Should -BeLessThan $rto
    }

    It 'is not older than a day (the nightly backup ran)' {
        $Backup.StartedUtc | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddDays(-1))
    }
}
