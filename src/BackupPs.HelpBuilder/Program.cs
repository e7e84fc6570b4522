using BackupPs.HelpBuilder;

// BackupPs.HelpBuilder <path of BackupPs.Module.dll> <help folder>
// Writes <help folder>/BackupPs.Module.dll-Help.xml (Get-Help for every cmdlet) and
// <help folder>/about_BackupPs.help.txt. pwsh looks for both in the culture folder of the module
// base (the folder of BackupPs.psd1), e.g. <repository>/en-US.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: BackupPs.HelpBuilder <BackupPs.Module.dll> <help folder>");
    return 2;
}

var modulePath = Path.GetFullPath(args[0]);
var helpFolder = Path.GetFullPath(args[1]);
var commands = CommandHelp.Load(modulePath);
Directory.CreateDirectory(helpFolder);

var mamlPath = Path.Combine(helpFolder, Path.GetFileName(modulePath) + "-Help.xml");
File.WriteAllText(mamlPath, MamlWriter.Write(commands));
var aboutPath = Path.Combine(helpFolder, AboutTopic.FileName);
File.WriteAllText(aboutPath, AboutTopic.Write(commands));
Console.WriteLine($"BackupPs.HelpBuilder: wrote {mamlPath} and {aboutPath} ({commands.Count} cmdlets).");
return 0;
