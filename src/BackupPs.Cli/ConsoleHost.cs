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
/// </summary>
internal sealed class ConsoleHost(GlobalFlags flags, CommandImpact impact, TextWriter output, TextWriter error) : IOperationHost
{
    private readonly object _gate = new();
    private DateTime _lastProgress;

    public int ErrorCount { get; private set; }

    public void WriteOutput(object record)
    {
        lock (_gate)
        {
            if (flags.Json)
            {
                output.WriteLine(JsonSerializer.Serialize(record, record.GetType(), JsonDefaults.CommandOutput));
            }
            else
            {
                WriteList(record);
            }

            output.Flush();
        }
    }

    public void WriteError(BackupPsException failure)
    {
        lock (_gate)
        {
            ErrorCount++;
            error.WriteLine($"backupps: {failure.Message} [{failure.ErrorId}]");
        }
    }

    public void WriteVerbose(string message)
    {
        if (flags.Verbose)
        {
            lock (_gate)
            {
                error.WriteLine("VERBOSE: " + message);
            }
        }
    }

    public void WriteWarning(string message)
    {
        lock (_gate)
        {
            error.WriteLine("WARNING: " + message);
        }
    }

    public void WriteProgress(OperationProgress progress)
    {
        // Progress only makes sense on a terminal; cron logs must not fill with it.
        if (!Console.IsErrorRedirected)
        {
            lock (_gate)
            {
                if (progress.Completed)
                {
                    error.Write("\r\u001b[K");
                }
                else if (DateTime.UtcNow - _lastProgress > TimeSpan.FromMilliseconds(250))
                {
                    _lastProgress = DateTime.UtcNow;
                    var percent = progress.PercentComplete >= 0 ? $" {progress.PercentComplete}%" : "";
                    error.Write($"\r\u001b[K{progress.Activity}:{percent} {progress.Status}");
                }
            }
        }
    }

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
