using System.Collections;
using System.Management.Automation;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Completion;

/// <summary>
/// What every BackupPs completer shares: values that start with the typed word (case-insensitively),
/// sorted, and quoted when PowerShell would otherwise split or misread them. A completer never throws
/// and never waits long: a source that fails or is slow (Docker down, an unreadable store) completes nothing.
/// </summary>
internal static class CompletionValues
{
    /// <summary>How long a completer may wait for Docker or the store before it offers nothing.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static IEnumerable<CompletionResult> Complete(string? wordToComplete, Func<CancellationToken, IEnumerable<string>> source)
    {
        var values = Gather(source);
        var typed = Unquote(wordToComplete ?? "");
        return values
            .Where(v => v.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(v => new CompletionResult(Quote(v), v, CompletionResultType.ParameterValue, v))
            .ToArray();
    }

    /// <summary>The value of an already bound parameter, from the fake bound parameters completion passes (first element of an array).</summary>
    public static string? Bound(IDictionary fakeBoundParameters, string name)
    {
        var value = fakeBoundParameters.Contains(name) ? fakeBoundParameters[name] : null;
        value = value is PSObject wrapped ? wrapped.BaseObject : value;
        if (value is IEnumerable items and not string)
        {
            value = items.Cast<object?>().FirstOrDefault();
            value = value is PSObject inner ? inner.BaseObject : value;
        }

        return value is string text && text.Length > 0 ? text : null;
    }

    /// <summary>A value as it must be typed: single-quoted (quotes doubled) when it holds anything but plain name characters.</summary>
    internal static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':')
            ? value
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Unquote(string word) =>
        word.Length > 0 && word[0] is '\'' or '"' ? word.Trim('\'', '"') : word;

    private static string[] Gather(Func<CancellationToken, IEnumerable<string>> source)
    {
        using var timeout = new CancellationTokenSource(Budget);
        try
        {
            // On a worker, so that a call that ignores the token cannot hold the prompt past the budget.
            var work = Task.Run(() => source(timeout.Token).ToArray(), timeout.Token);
            return work.Wait(Budget) ? work.Result : [];
        }
        catch (Exception error) when (error is AggregateException or OperationCanceledException or BackupPsException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A host for core code run by a completer: nothing it reports reaches the prompt.</summary>
    internal sealed class SilentHost : IOperationHost
    {
        public void WriteOutput(object record)
        {
        }

        public void WriteError(BackupPsException error)
        {
        }

        public void WriteVerbose(string message)
        {
        }

        public void WriteWarning(string message)
        {
        }

        public void WriteProgress(OperationProgress progress)
        {
        }

        public bool ShouldProcess(string target, string action) => false;
    }
}
