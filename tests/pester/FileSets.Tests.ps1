#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Pester tests of the file-set commands as an operator uses them: folders (and, as they land, .env files and
# volumes) backed up from Get-ChildItem/Get-Item output, listed, proven and restored. No container needed.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../BackupPs.psd1') -Force
    $script:root = Join-Path ([IO.Path]::GetTempPath()) "bps-pester-files-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:source = Join-Path $root 'app/certs'
    New-Item -ItemType Directory (Join-Path $source 'live') | Out-Null
    Set-Content -NoNewline -Path (Join-Path $source 'live/cert.pem') -Value 'certificate'
    Set-Content -NoNewline -Path (Join-Path $source 'live/privkey.pem') -Value 'private key'
    chmod 0600 (Join-Path $source 'live/privkey.pem')
    New-Item -ItemType SymbolicLink (Join-Path $source 'current.pem') -Target 'live/cert.pem' | Out-Null
    $script:store = Join-Path $root 'backups'

    # Every entry below a folder: relative path, type, mode, link target and content hash.
    function Get-TreeFacts([string] $Folder) {
        Get-ChildItem -LiteralPath $Folder -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $hash = if ($_ -is [IO.FileInfo] -and -not $_.LinkType) { (Get-FileHash -LiteralPath $_.FullName).Hash }
            '{0}|{1}|{2}|{3}|{4}' -f [IO.Path]::GetRelativePath($Folder, $_.FullName), $_.GetType().Name, $_.UnixFileMode, $_.LinkTarget, $hash
        }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $root -ErrorAction Ignore
}

Describe 'Backup-Directory | Restore-Directory' {
    It 'backs up a piped folder, lists, proves and restores it file for file' {
        $backup = Get-Item $source | Backup-Directory -Environment prod -Path $store
        $backup.Kind | Should -Be 'Directory'
        $backup.Name | Should -Be 'certs'
        $backup.Path | Should -BeLike (Join-Path $store 'prod/directory/certs/certs-prod-*.tar.zst')

        $listed = Get-Backup -Path $store -Kind Directory -Name certs -Latest
        $listed.Path | Should -Be $backup.Path
        ($listed | Test-Backup).Passed | Should -BeTrue

        $destination = Join-Path $root 'restored'
        $restored = $listed | Restore-Directory -Destination $destination -Confirm:$false
        $restored.Destination | Should -Be $destination
        Get-TreeFacts $destination | Should -Be (Get-TreeFacts $source)
    }

    It 'never takes a piped folder for the store: without -Path the store is ./backups' {
        Push-Location $root
        try {
            $backup = Get-Item $source | Backup-Directory -Environment dev
            $backup.Path | Should -BeLike (Join-Path $root 'backups/dev/directory/certs/*')
        }
        finally {
            Pop-Location
        }
    }

    It 'restores into a new or empty folder only, unless -Replace' {
        $backup = Get-Backup -Path $store -Kind Directory -Environment prod -Latest
        $occupied = Join-Path $root 'occupied'
        New-Item -ItemType Directory $occupied | Out-Null
        Set-Content (Join-Path $occupied 'keep.txt') 'mine'
        $backup | Restore-Directory -Destination $occupied -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err.Count | Should -Be 1
        Get-Content (Join-Path $occupied 'keep.txt') | Should -Be 'mine'
    }
}
