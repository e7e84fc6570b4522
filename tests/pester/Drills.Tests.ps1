#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The operators' drills (tests/drills) run for real: against a store holding a real backup of a real container,
# where they must pass, and against stores they must fail on (an empty folder, a missing path, a store without
# the environment, a damaged backup), since a drill that passes there would pass on the night the backups stopped.
# Pester does not nest, so each drill runs in a child pwsh through tests/run-pester.ps1, as tools/test.sh runs
# the rest; its summary line and exit code are the drill's outcome.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestContainer.ps1')
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $script:drills = Join-Path $PSScriptRoot '../drills'
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "bps-drills-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:container = New-TestContainer -Environment prod -Scale 0.1

    $good = Join-Path $work 'store'
    $backup = Backup-Database -Container $container -Environment prod -Path $good -ErrorAction Stop
    $damaged = Join-Path $work 'damaged'
    Copy-Item -Recurse $good $damaged
    $copy = Join-Path $damaged ([IO.Path]::GetRelativePath($good, $backup.Path))
    $bytes = [IO.File]::ReadAllBytes($copy)
    [IO.File]::WriteAllBytes($copy, $bytes[0..($bytes.Length / 2)])
    $empty = New-Item -ItemType Directory (Join-Path $work 'empty')
    $script:stores = @{
        'a store with a prod backup' = @{ Store = $good; Environment = 'prod' }
        'an empty store'             = @{ Store = $empty.FullName; Environment = 'prod' }
        'a missing store'            = @{ Store = (Join-Path $work 'typo'); Environment = 'prod' }
        'a store without that environment' = @{ Store = $good; Environment = 'staging' }
        'a damaged latest backup'    = @{ Store = $damaged; Environment = 'prod' }
    }

    # Runs a drill file (or the whole tests/drills folder) against a store in a child pwsh; returns its exit code,
    # counts and output.
    function Invoke-Drill([string] $Path, [string] $Case) {
        $saved = $env:BACKUPPS_STORE, $env:BACKUPPS_ENVIRONMENT
        $env:BACKUPPS_STORE, $env:BACKUPPS_ENVIRONMENT = $stores[$Case].Store, $stores[$Case].Environment
        try {
            $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '../run-pester.ps1') -Path $Path 2>&1 |
                ForEach-Object { "$_" }
            $exitCode = $LASTEXITCODE
        }
        finally {
            $env:BACKUPPS_STORE, $env:BACKUPPS_ENVIRONMENT = $saved
        }
        $summary = $output | Where-Object { $_ -match '^Pester: (\d+) passed, (\d+) failed, (\d+) skipped$' } | Select-Object -Last 1
        $counts = if ($summary -match '^Pester: (\d+) passed, (\d+) failed, (\d+) skipped$') { @{ Passed = [int]$Matches[1]; Failed = [int]$Matches[2]; Skipped = [int]$Matches[3] } }
        [pscustomobject]@{ ExitCode = $exitCode; Counts = $counts; Output = $output -join [Environment]::NewLine }
    }
}

AfterAll {
    Remove-TestContainer $container
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

Describe 'The drills on a store with a fresh prod backup' {
    It 'pass, every one of them: the store, the restore drill and the application invariants' {
        $run = Invoke-Drill $drills 'a store with a prod backup'
        $run.Counts | Should -Not -BeNullOrEmpty -Because $run.Output
        $run.Counts.Failed | Should -Be 0 -Because $run.Output
        $run.Counts.Skipped | Should -Be 0 -Because $run.Output
        # 1 store test + 5 per database (one database) + 3 application invariants
        $run.Counts.Passed | Should -Be 9 -Because $run.Output
        $run.ExitCode | Should -Be 0 -Because $run.Output
    }

    It 'leave no drill database behind' {
        docker exec $container psql -X -At -U app -d postgres -c "select count(*) from pg_database where datname like 'backupps%'" |
            Should -Be '0'
    }
}

Describe 'The drills fail, never pass or skip, on a store they cannot prove' {
    It '<Drill> fails on <Case>' -ForEach @(
        @{ Drill = 'RestoreDrill.Tests.ps1'; Case = 'an empty store'; Failing = 'holds backups of the prod environment' }
        @{ Drill = 'RestoreDrill.Tests.ps1'; Case = 'a missing store'; Failing = 'holds backups of the prod environment' }
        @{ Drill = 'RestoreDrill.Tests.ps1'; Case = 'a store without that environment'; Failing = 'holds backups of the staging environment' }
        @{ Drill = 'RestoreDrill.Tests.ps1'; Case = 'a damaged latest backup'; Failing = 'restores within the recovery time objective' }
        @{ Drill = 'ApplicationInvariants.Tests.ps1'; Case = 'an empty store'; Failing = 'has employees' }
        @{ Drill = 'ApplicationInvariants.Tests.ps1'; Case = 'a missing store'; Failing = 'has employees' }
    ) {
        $run = Invoke-Drill (Join-Path $drills $Drill) $Case
        $run.ExitCode | Should -Not -Be 0 -Because $run.Output
        # failed by its own assertion, not by a file that does not parse or a broken BeforeAll
        $run.Output | Should -Match ('(?m)^\s*\[-\] ' + [regex]::Escape($Failing)) -Because $run.Output
        $run.Output | Should -Not -Match 'Container failed|Discovery in .* failed|\[-\] Describe' -Because $run.Output
        $run.Counts.Failed | Should -BeGreaterThan 0 -Because $run.Output
        $run.Counts.Skipped | Should -Be 0 -Because $run.Output
    }
}
