# Dot-sourced by the Pester tests: a real PostgreSQL container from the rig's image, as the xUnit suite's
# PostgresContainer (tests/BackupPs.Tests/Infrastructure/PostgresContainer.cs) makes them: network none, label
# backupps.test=1, a random name, the rig's seed data; removed with its volume afterwards.

function New-TestContainer {
    <# .SYNOPSIS Starts a seeded PostgreSQL container and returns its name once the server answers. #>
    param(
        # The backupps.environment label, when the container belongs to an environment.
        [string] $Environment,
        [double] $Scale = 1
    )
    $name = "bps-pester-$([guid]::NewGuid().ToString('N').Substring(0, 10))"
    $image = $env:BACKUPPS_TEST_IMAGE ?? 'backupps-test/postgres:15'
    $labels = @('--label', 'backupps.test=1')
    if ($Environment) { $labels += '--label', "backupps.environment=$Environment" }
    # From docker run on, a failure removes the container before it is rethrown: the caller never gets the name,
    # so its AfterAll could not remove it (docker run itself can fail after creating it, when it will not start).
    try {
        docker run -d --name $name --network none --shm-size=256m @labels -e POSTGRES_USER=app `
            -e POSTGRES_PASSWORD=pester-secret -e POSTGRES_DB=app $image | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "docker run $image for $name failed (exit $LASTEXITCODE); run tests/rig/setup.sh first." }

        # The rig's image runs no reachable server before init is complete, so the first pg_isready success is the real one.
        $deadline = [datetime]::UtcNow.AddMinutes(2)
        while ($true) {
            docker exec $name pg_isready -q -U app -d app
            if ($LASTEXITCODE -eq 0) { break }
            if ([datetime]::UtcNow -gt $deadline) { throw "PostgreSQL in $name did not become ready within 2 minutes." }
            Start-Sleep -Milliseconds 200
        }

        Get-Content (Join-Path $PSScriptRoot '../rig/seed-database.sql') -Raw |
            docker exec -i $name psql -X -q -U app -d app -v ON_ERROR_STOP=1 -v "scale=$Scale" | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "Seeding $name failed (exit $LASTEXITCODE)." }
    }
    catch {
        Remove-TestContainer $name
        throw
    }
    $name
}

function Remove-TestContainer {
    <# .SYNOPSIS Removes a container New-TestContainer made, with its anonymous data volume. #>
    param([string] $Name)
    # Quiet when there is nothing by that name (docker run failed before creating it).
    if ($Name) { docker rm -f -v $Name 2>$null | Out-Null }
}
