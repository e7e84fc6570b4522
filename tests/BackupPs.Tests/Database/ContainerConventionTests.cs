using System.Text;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Database;

/// <summary>
/// The conventions of the postgres image and of docker compose, as pure rules: file_env's reading
/// of POSTGRES_* and their *_FILE secrets, compose's labels, and which container states are refused.
/// </summary>
public sealed class ContainerConventionTests
{
    private const string Secret = "s3cret-from-a-file";

    /// <summary>An environment whose files are a dictionary; records which paths were read.</summary>
    private static (PostgresImageEnvironment Env, List<string> Reads) Environment(string[] env, Dictionary<string, string>? files = null)
    {
        var reads = new List<string>();
        var environment = new PostgresImageEnvironment(env, "db1", (path, _) =>
        {
            reads.Add(path);
            return Task.FromResult(files is not null && files.TryGetValue(path, out var content)
                ? (0, Encoding.UTF8.GetBytes(content), "")
                : (1, Array.Empty<byte>(), $"cat: {path}: No such file or directory"));
        });
        return (environment, reads);
    }

    [Fact]
    public async Task AFileVariantIsReadAndLosesItsTrailingNewlines()
    {
        var (env, reads) = Environment(["POSTGRES_PASSWORD_FILE=/run/secrets/pw"], new() { ["/run/secrets/pw"] = Secret + "\n\n" });
        Assert.Equal(Secret, await env.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default));
        Assert.Equal(["/run/secrets/pw"], reads);
        Assert.Equal("POSTGRES_PASSWORD_FILE", env.SourceOf("POSTGRES_PASSWORD"));
    }

    /// <summary>A refused login says where the password came from too (a stale or empty secret file), never the password.</summary>
    [Fact]
    public async Task TheLoginSourceNamesWhereThePasswordCameFrom()
    {
        var (env, _) = Environment(["POSTGRES_USER=My User", "POSTGRES_PASSWORD_FILE=/run/secrets/pw"], new() { ["/run/secrets/pw"] = Secret + "\n" });
        var source = env.LoginSource(await env.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default));
        Assert.Equal("from POSTGRES_USER; password from POSTGRES_PASSWORD_FILE", source);

        var (empty, _) = Environment(["POSTGRES_PASSWORD_FILE=/run/secrets/pw"], new() { ["/run/secrets/pw"] = "\n" });
        Assert.Equal("the default: the container sets no POSTGRES_USER or POSTGRES_USER_FILE; no password: the file POSTGRES_PASSWORD_FILE names is empty",
            empty.LoginSource(await empty.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default)));

        var (none, _) = Environment(["POSTGRES_USER_FILE=/u"]);
        Assert.Equal("from POSTGRES_USER_FILE; no password: the container sets no POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE", none.LoginSource(null));
    }

    [Fact]
    public async Task OnlyTrailingNewlinesGoAsInTheShellsCommandSubstitution()
    {
        var (env, _) = Environment(["POSTGRES_USER_FILE=/u"], new() { ["/u"] = " app user \r\n" });
        Assert.Equal(" app user \r", await env.GetAsync("POSTGRES_USER", "pass -Credential", default));
    }

    [Fact]
    public async Task ThePlainVariableNeedsNoFileAndEmptyCountsAsUnset()
    {
        var (env, reads) = Environment(["POSTGRES_USER=app", "POSTGRES_PASSWORD=", "POSTGRES_DB_FILE="]);
        Assert.Equal("app", await env.GetAsync("POSTGRES_USER", "pass -Credential", default));
        Assert.Null(await env.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default));
        Assert.Null(await env.GetAsync("POSTGRES_DB", "pass -Database", default));
        Assert.Empty(reads);
        Assert.Null(env.SourceOf("POSTGRES_DB"));
    }

    [Fact]
    public async Task BothTheVariableAndItsFileAreRefusedLikeTheImageDoes()
    {
        var (env, reads) = Environment(["POSTGRES_PASSWORD=" + Secret, "POSTGRES_PASSWORD_FILE=/run/secrets/pw"]);
        var e = await Assert.ThrowsAsync<BackupPsException>(() => env.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default));
        Assert.Equal("ContainerEnvironmentConflict", e.ErrorId);
        Assert.Contains("POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE", e.Message);
        Assert.Contains("-Credential", e.Message);
        Assert.DoesNotContain(Secret, e.Message);
        Assert.Empty(reads);
    }

    [Fact]
    public async Task AMissingSecretNamesTheVariableAndThePath()
    {
        var (env, _) = Environment(["POSTGRES_PASSWORD_FILE=/run/secrets/nope"]);
        var e = await Assert.ThrowsAsync<BackupPsException>(() => env.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default));
        Assert.Equal("ContainerSecretUnreadable", e.ErrorId);
        Assert.Contains("POSTGRES_PASSWORD_FILE=/run/secrets/nope", e.Message);
        Assert.Contains("No such file or directory", e.Message);
    }

    [Fact]
    public async Task AHugeFileIsNotTakenForASecret()
    {
        var (env, _) = Environment(["POSTGRES_PASSWORD_FILE=/big"], new() { ["/big"] = new string('x', 100_000) });
        var e = await Assert.ThrowsAsync<BackupPsException>(() => env.GetAsync("POSTGRES_PASSWORD", "pass -Credential", default));
        Assert.Equal("ContainerSecretUnreadable", e.ErrorId);
        Assert.DoesNotContain("xxxx", e.Message);
    }

    [Theory]
    [InlineData("myshop", "MyShop", true)]
    [InlineData("myshop", "myshop", true)]
    [InlineData("my_shop-2", "My_Shop-2", true)]
    [InlineData("myshop", "My.Shop", true)]
    [InlineData("shop", "_Shop", true)]
    [InlineData("myshop", "othershop", false)]
    public void ComposeProjectsMatchAsComposeWritesThem(string label, string given, bool matches) =>
        Assert.Equal(matches, ComposeLabels.ProjectMatches(label, given));

    [Theory]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void OneOffContainersAreRecognised(string value, bool oneOff) =>
        Assert.Equal(oneOff, ComposeLabels.IsOneOff(new Dictionary<string, string> { [ComposeLabels.OneOff] = value }));

    private static DockerContainerDetails Container(DockerContainerState state) =>
        new("abc", "db1", "sha256:x", new DockerContainerConfig("postgres:15", [], new Dictionary<string, string>(), null), state, []);

    [Theory]
    [InlineData("paused", true, true, false, null, "ContainerPaused", "docker unpause db1")]
    [InlineData("restarting", true, false, true, null, "ContainerRestarting", "docker logs db1")]
    [InlineData("exited", false, false, false, null, "ContainerNotRunning", "docker start db1")]
    [InlineData("running", true, false, false, "starting", "ContainerStarting", "healthy")]
    public void ContainersWhoseServerIsNotUpAreRefusedWithWhatToDo(string status, bool running, bool paused, bool restarting, string? health,
        string errorId, string advice)
    {
        var e = Assert.Throws<BackupPsException>(() => ContainerReadiness.RequireRunning(Container(new(status, running, paused, restarting, 1, 42, health))));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(advice, e.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("healthy")]
    [InlineData("unhealthy")]
    public void ARunningContainerPassesWhateverElseItsHealthcheckSays(string? health) =>
        ContainerReadiness.RequireRunning(Container(new("running", true, false, false, 0, 42, health)));
}
