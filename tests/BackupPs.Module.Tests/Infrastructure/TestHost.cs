using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace BackupPs.Module.Tests.Infrastructure;

/// <summary>
/// A PowerShell host for tests: records what an interactive user would see (host lines such as
/// "What if: ...", confirmation prompts, progress) and answers confirmation prompts from
/// <see cref="TestHostUserInterface.Answers"/>. A prompt with no answer queued fails the test's
/// command, so an unexpected -Confirm cannot pass silently.
/// </summary>
public sealed class TestHost : PSHost
{
    private readonly Guid _id = Guid.NewGuid();

    public override TestHostUserInterface UI { get; } = new();

    /// <summary>Answers for the next confirmation prompts, in order: true chooses Yes, false No.</summary>
    public Queue<bool> Answers => UI.Answers;

    public override string Name => "BackupPs.TestHost";

    public override Version Version { get; } = new(1, 0);

    public override Guid InstanceId => _id;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override void EnterNestedPrompt() => throw new NotSupportedException("Nested prompts are not used in tests.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("Nested prompts are not used in tests.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
    }
}

/// <summary>The recording user interface of <see cref="TestHost"/>.</summary>
public sealed class TestHostUserInterface : PSHostUserInterface
{
    /// <summary>Lines written to the host (Write-Host, What if:, and any other UI text), one entry per line.</summary>
    public List<string> Lines { get; } = [];

    /// <summary>Confirmation prompts shown, as "caption: message".</summary>
    public List<string> Prompts { get; } = [];

    /// <summary>Answers for the next prompts: true chooses the "Yes" choice, false "No".</summary>
    public Queue<bool> Answers { get; } = new();

    public override PSHostRawUserInterface RawUI { get; } = new TestRawUserInterface();

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        Prompts.Add(caption + ": " + message);
        if (!Answers.TryDequeue(out var yes))
        {
            throw new InvalidOperationException($"Unexpected confirmation prompt with no answer queued: {caption}: {message}");
        }

        // ShouldProcess offers [Y] Yes, [A] Yes to All, [N] No, [L] No to All, [S] Suspend.
        var wanted = yes ? "&Yes" : "&No";
        for (var i = 0; i < choices.Count; i++)
        {
            if (choices[i].Label == wanted)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The prompt offers no {wanted} choice: {caption}: {message}");
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw new InvalidOperationException($"Unexpected prompt for input: {caption}: {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new InvalidOperationException($"Unexpected credential prompt: {caption}: {message}");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new InvalidOperationException($"Unexpected credential prompt: {caption}: {message}");

    public override string ReadLine() => throw new InvalidOperationException("Unexpected Read-Host.");

    public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("Unexpected Read-Host -AsSecureString.");

    public override void Write(string value) => Lines.Add(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Add(value);

    public override void WriteLine(string value) => Lines.Add(value);

    public override void WriteDebugLine(string message) => Lines.Add("DEBUG: " + message);

    public override void WriteErrorLine(string value) => Lines.Add("ERROR: " + value);

    public override void WriteVerboseLine(string message) => Lines.Add("VERBOSE: " + message);

    public override void WriteWarningLine(string message) => Lines.Add("WARNING: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
        // Progress is read from the PowerShell object's progress stream; the host has nothing to draw.
    }
}

/// <summary>A fixed 120x50 console, enough for the formatting engine.</summary>
internal sealed class TestRawUserInterface : PSHostRawUserInterface
{
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

    public override Size BufferSize { get; set; } = new(120, 50);

    public override Coordinates CursorPosition { get; set; }

    public override int CursorSize { get; set; }

    public override bool KeyAvailable => false;

    public override Size MaxPhysicalWindowSize => new(120, 50);

    public override Size MaxWindowSize => new(120, 50);

    public override Coordinates WindowPosition { get; set; }

    public override Size WindowSize { get; set; } = new(120, 50);

    public override string WindowTitle { get; set; } = "";

    public override void FlushInputBuffer()
    {
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => new BufferCell[0, 0];

    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new InvalidOperationException("Unexpected ReadKey.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
    }

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
    }

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
    }
}
