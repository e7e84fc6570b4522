using System.Diagnostics;
using System.Text;

namespace BackupPs.Tests.Infrastructure;

/// <param name="StdoutBytes">Exactly what the program wrote (compressed data stays binary).</param>
public sealed record ProcessResult(int ExitCode, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs programs (docker, zstd, gzip, the backupps CLI) the way an operator's shell would, but
/// without a shell: arguments are passed as a list, stdin comes from bytes or a file.
/// </summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string program, IEnumerable<string> args, byte[]? stdin = null, string? stdinFile = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        RunAsync(program, args, stdin, stdinFile, environment, timeout).GetAwaiter().GetResult();

    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> args, byte[]? stdin = null, string? stdinFile = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, Action<Process>? started = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        started?.Invoke(process);
        var stdout = new MemoryStream();
        var copyStdout = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
        }
        else if (stdinFile is not null)
        {
            await using var input = File.OpenRead(stdinFile);
            await input.CopyToAsync(process.StandardInput.BaseStream);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} did not finish in time.");
        }

        await copyStdout;
        return new ProcessResult(process.ExitCode, stdout.ToArray(), await stderr);
    }

    public static ProcessResult Bash(string script) => Run("bash", ["-c", "set -euo pipefail\n" + script]);

    /// <summary>Fails the test with an install hint when <paramref name="program"/> is not on PATH.</summary>
    public static void Require(string program)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':');
        Assert.True(path.Any(dir => File.Exists(Path.Combine(dir, program))),
            $"The '{program}' command is needed by this test; install it (apt-get install {program}).");
    }
}
