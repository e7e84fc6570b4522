using System.Diagnostics;
using System.Text.Json;

namespace BackupPs.Tests.Infrastructure;

/// <summary>Runs the real `backupps` program (built next to the tests) as a separate process.</summary>
public static class BackupPsCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "backupps.dll");

    public static ProcessResult Run(params string[] args) => Run(null, args);

    /// <summary>Runs backupps, failing the test with a TimeoutException (after killing it) if it has not ended within <paramref name="timeout"/>.</summary>
    public static ProcessResult RunWithin(TimeSpan timeout, params string[] args) => ProcessRunner.Run("dotnet", [Dll, .. args], timeout: timeout);

    public static ProcessResult Run(IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        ProcessRunner.Run("dotnet", [Dll, .. args], environment: environment);

    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?>? environment, Action<Process> started, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. args], environment: environment, started: started);

    /// <summary>Runs backupps as an unprivileged operator account instead of root.</summary>
    public static Task<ProcessResult> RunAsAsync(OperatorAccount account, Action<Process> started, params string[] args) =>
        ProcessRunner.RunAsync("setpriv", [.. account.SetprivOptions, "--", "dotnet", Dll, .. args],
            environment: new Dictionary<string, string?> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp", ["DOTNET_NOLOGO"] = "1" },
            started: started);

    /// <summary>The JSON lines of a --json run, one document per output object.</summary>
    public static IReadOnlyList<JsonElement> JsonLines(ProcessResult result) => result.Stdout
        .Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => JsonDocument.Parse(line).RootElement.Clone())
        .ToArray();
}
