using System.Text;

namespace BackupPs.Cli;

/// <summary>
/// Console output that outlives its terminal: after SIGHUP (an SSH session closed) a write to the
/// terminal fails with EIO, and a failing warning must not cut short the cleanup it reports on. What
/// cannot be written is dropped; the exit code still tells how the run ended.
/// </summary>
internal sealed class LostTerminalWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Try(() => inner.Write(value));

    public override void Write(string? value) => Try(() => inner.Write(value));

    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));

    public override void WriteLine() => Try(inner.WriteLine);

    public override void Flush() => Try(inner.Flush);

    private static void Try(Action write)
    {
        try
        {
            write();
        }
        catch (IOException)
        {
        }
    }
}
