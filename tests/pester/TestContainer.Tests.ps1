#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The Pester tests' own helper: New-TestContainer runs the container first and then waits for it and seeds it; when
# either fails it throws, and the caller never gets the name, so the helper itself must remove what it started, or
# every failed start leaves a labelled container (and its volume) on the CI machine (issue 10).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestContainer.ps1')
}

Describe 'New-TestContainer' {
    It 'removes the container it started when seeding fails' {
        # A scale that is not a number makes the seed script fail (psql: column "nan" does not exist) after docker run.
        $failure = { New-TestContainer -Scale ([double]::NaN) } | Should -Throw -PassThru
        $name = [regex]::Match($failure.Exception.Message, 'bps-pester-[0-9a-f]+').Value
        $name | Should -Not -BeNullOrEmpty -Because $failure.Exception.Message
        $left = docker ps -a --filter "name=^$name$" --format '{{.Names}}'
        if ($left) { docker rm -f -v $name | Out-Null }
        $left | Should -BeNullOrEmpty -Because 'a failed start must not leave its container behind'
    }
}
