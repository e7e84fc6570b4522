using System.Text;
using BackupPs.Core.Commands;

namespace BackupPs.HelpBuilder;

/// <summary>
/// Writes about_BackupPs.help.txt: the hand-written overview (about_BackupPs.txt, embedded) with the
/// list of commands filled in from their definitions, so a new or renamed cmdlet is listed without
/// editing the text.
/// </summary>
internal static class AboutTopic
{
    public const string Name = "about_BackupPs";

    public const string FileName = Name + ".help.txt";

    private const string CommandsPlaceholder = "{{COMMANDS}}";

    public static string Write(IReadOnlyList<CommandHelp> commands)
    {
        using var stream = typeof(AboutTopic).Assembly.GetManifestResourceStream("about_BackupPs.txt")
            ?? throw new InvalidOperationException("about_BackupPs.txt is not embedded in BackupPs.HelpBuilder.");
        using var reader = new StreamReader(stream);
        var template = reader.ReadToEnd();
        if (!template.Contains(CommandsPlaceholder, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"about_BackupPs.txt has no {CommandsPlaceholder} line for the list of commands.");
        }

        var list = new StringBuilder();
        foreach (var command in commands)
        {
            var aliases = command.Command.Aliases.Length == 0 ? "" : $"; alias {string.Join(", ", command.Command.Aliases)}";
            list.AppendLine($"    {command.Name} (CLI: backupps {command.Command.CliName}{aliases})");
            foreach (var line in HelpText.Wrap(command.Command.Synopsis, 72))
            {
                list.AppendLine("        " + line);
            }

            list.AppendLine();
        }

        return template.Replace(CommandsPlaceholder + "\n", list.ToString(), StringComparison.Ordinal);
    }
}
