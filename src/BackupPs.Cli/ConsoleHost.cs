using System.Collections;
using System.Globalization;
using System.Text.Json;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Cli;

/// <summary>
/// The CLI's side of <see cref="IOperationHost"/>: objects to stdout (one JSON line each with --json,
/// a property list otherwise), everything else to stderr, so `--json | jq` always sees clean JSON.
/// Errors, warnings and verbose lines come from the core, which names the cmdlets' parameters; they
/// are shown in the CLI's terms (<see cref="CliTerms.Message"/>).
/// </summary>
/// <param name="terminal">Whether stderr is a terminal, where progress is drawn (null: ask the console).</param>
internal sealed class ConsoleHost(GlobalFlags flags, CommandImpact impact, TextWriter output, TextWriter error, bool? terminal = null) : IOperationHost
{
    private readonly object _gate = new();

    // Progress only makes sense on a terminal; cron logs must not fill with it.
    private readonly bool _showProgress = terminal ?? !Console.IsErrorRedirected;

    /// <summary>The activities under way, most recently updated last: the line shows the last one, and its parent's again when it ends.</summary>
    private readonly List<OperationProgress> _activities = [];

    public int ErrorCount { get; private set; }

    public void WriteOutput(object record)
    {
        lock (_gate)
        {
            // On a terminal, stdout and stderr share the screen: the record must not run into the progress line.
            var drawn = _showProgress && _activities.Count > 0;
            if (drawn)
            {
                error.Write("\r\u001b[K");
                error.Flush();
            }

            if (flags.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(record, record.GetType(), JsonDefaults.CommandOutput));
            }
            else
            {
                WriteList(record);
            }

            output.Flush();
            if (drawn)
            {
                DrawProgress();
            }
        }
    }

    public void WriteError(BackupPsException failure)
    {
        lock (_gate)
        {
            ErrorCount++;
            // One line per error, whatever the server's text held (psql's DETAIL and HINT come on lines of their own).
            WriteLine($"backupps: {OneLine(CliTerms.Message(failure.Message))} [{failure.ErrorId}]");
        }
    }

    public void WriteVerbose(string message)
    {
        if (flags.Verbose)
        {
            lock (_gate)
            {
                WriteLine("VERBOSE: " + CliTerms.Message(message));
            }
        }
    }

    public void WriteWarning(string message)
    {
        lock (_gate)
        {
            WriteLine("WARNING: " + CliTerms.Message(message));
        }
    }

    public void WriteProgress(OperationProgress progress)
    {
        if (!_showProgress)
        {
            return;
        }

        // The core writes a few records a second at most (ProgressActivity throttles), so each one is drawn.
        lock (_gate)
        {
            _activities.RemoveAll(a => a.ActivityId == progress.ActivityId);
            if (!progress.Completed)
            {
                _activities.Add(progress);
            }

            DrawProgress();
        }
    }

    /// <summary>Redraws the progress line (or clears it when nothing is under way); call under the gate.</summary>
    private void DrawProgress()
    {
        error.Write("\r\u001b[K");
        if (_activities.Count > 0)
        {
            var shown = _activities[^1];
            var percent = shown.PercentComplete >= 0 ? $" {shown.PercentComplete}%" : "";
            error.Write($"{shown.Activity}:{percent} {shown.Status}");
        }

        error.Flush();
    }

    /// <summary>A line on stderr, above the progress line when one is drawn (a message must not run into it).</summary>
    private void WriteLine(string line)
    {
        var drawn = _showProgress && _activities.Count > 0;
        if (drawn)
        {
            error.Write("\r\u001b[K");
        }

        error.WriteLine(line);
        if (drawn)
        {
            DrawProgress();
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public bool ShouldProcess(string target, string action)
    {
        if (flags.WhatIf)
        {
            lock (_gate)
            {
                output.WriteLine($"What if: Performing the operation \"{action}\" on target \"{target}\".");
            }

            return false;
        }

        if (impact < CommandImpact.High || flags.Force)
        {
            return true;
        }

        if (Console.IsInputRedirected)
        {
            throw new BackupPsException("ConfirmationRequired", FailureCategory.InvalidOperation,
                $"\"{action}\" on \"{target}\" needs confirmation and there is no terminal to ask on; add --force to confirm.")
            { Target = target };
        }

        lock (_gate)
        {
            error.Write($"Confirm: {action} on \"{target}\"? [y/N] ");
            return string.Equals(Console.ReadLine()?.Trim(), "y", StringComparison.OrdinalIgnoreCase);
        }
    }

    private void WriteList(object record)
    {
        var properties = record.GetType().GetProperties();
        var width = properties.Max(p => p.Name.Length);
        foreach (var property in properties)
        {
            var value = property.GetValue(record);
            if (value is IEnumerable items and not string && items.Cast<object?>().FirstOrDefault() is { } first && !IsScalar(first))
            {
                // A list of objects (the checks of a test, say): one indented line per item.
                output.WriteLine($"{property.Name.PadRight(width)} :");
                foreach (var item in items)
                {
                    output.WriteLine("    " + string.Join("  ", item!.GetType().GetProperties().Select(p => Display(p.GetValue(item)))));
                }

                continue;
            }

            output.WriteLine($"{property.Name.PadRight(width)} : {Display(value)}");
        }

        output.WriteLine();
    }

    private static bool IsScalar(object value) => value is string or IFormattable or bool;

    private static string Display(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTimeOffset d => d.ToString("u", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "{" + string.Join(", ", items.Cast<object?>().Select(Display)) + "}",
        _ => value.ToString() ?? "",
    };
}
