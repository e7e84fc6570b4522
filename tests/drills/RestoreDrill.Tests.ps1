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
# Everything asserted here is also covered by the xUnit suite (tests/BackupPs.Tests/EndToEnd/RestoreDrillTests.cs).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $store = $env:BACKUPPS_STORE ?? './backups'
    $environment = $env:BACKUPPS_ENVIRONMENT ?? 'prod'
    # One test case per database: the latest backup of each.
    $script:latest = @(Get-Backup -Path $store -Environment $environment -Kind Database -Latest |
        ForEach-Object { @{ Backup = $_; Name = "$($_.Database) ($($_.StartedUtc.ToString('u')))" } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
}

Describe 'Restore drill of <Name>' -ForEach $latest {
    BeforeAll {
        $drill = @{ Restore = $true; Isolated = ($env:BACKUPPS_DRILL_ISOLATED -eq '1') }
        $script:result = $Backup | Test-Backup @drill -ErrorAction SilentlyContinue
    }

    It 'restores and passes every check' {
        $failed = $result.Checks | Where-Object { -not $_.Passed } | ForEach-Object { "$($_.Name): $($_.Detail)" }
        $failed | Should -BeNullOrEmpty
        $result.Passed | Should -BeTrue
    }

    It 'restores the exact row count of every table' {
        ($result.Checks | Where-Object Name -EQ 'RestoredRows').Passed | Should -BeTrue
    }

    It 'has every Prisma migration finished, when the app uses Prisma' {
        $prisma = $result.Checks | Where-Object Name -EQ 'PrismaMigrations'
        if ($prisma) { $prisma.Passed | Should -BeTrue }
    }

    It 'restores within the recovery time objective' {
        $rto = [timespan]::FromMinutes([double]($env:BACKUPPS_RTO_MINUTES ?? 30))
        $result.RestoreDuration | Should -BeLessThan $rto
    }

    It 'is not older than a day (the nightly backup ran)' {
        $Backup.StartedUtc | Should -BeGreaterThan ([datetimeoffset]::UtcNow.AddDays(-1))
    }
}
