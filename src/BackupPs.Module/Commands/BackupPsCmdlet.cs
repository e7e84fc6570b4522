using System.Collections.Concurrent;
using System.Management.Automation;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Output;

namespace BackupPs.Commands;

/// <summary>
/// Base of every BackupPs cmdlet. The core runs on a worker thread; everything it reports is queued
/// and replayed here on the pipeline thread, the only thread allowed to call Write*/ShouldProcess.
/// Ctrl+C (StopProcessing) cancels the core's token, and the core removes its partial files.
/// </summary>
public abstract class BackupPsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// True when the command's -Force is given (generated from an option named Force): it answers yes to the
    /// confirmation, as the CLI's --force does. -WhatIf still only shows, and an explicit -Confirm still asks.
    /// </summary>
    protected virtual bool ForceConfirms => false;

    /// <summary>ShouldProcess, unless -Force answers it (see <see cref="ForceConfirms"/>).</summary>
    private bool Confirm(string target, string action)
    {
        if (ForceConfirms && !Requested("WhatIf", "WhatIfPreference") && !MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            WriteVerbose($"Performing the operation \"{action}\" on target \"{target}\" (-Force).");
            return true;
        }

        return ShouldProcess(target, action);
    }

    /// <summary>A common switch as given, else its preference variable ($WhatIfPreference).</summary>
    private bool Requested(string parameter, string preference) =>
        MyInvocation.BoundParameters.TryGetValue(parameter, out var value)
            ? LanguagePrimitives.IsTrue(value)
            : LanguagePrimitives.IsTrue(GetVariableValue(preference));

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Resolves a path parameter against the current PowerShell location (not the process directory); a blank one is
    /// refused (EmptyPath), never made a folder named "   " there, and so is a path of another provider (PathNotFileSystem).
    /// </summary>
    /// <param name="parameter">The parameter as typed (-SafetyBackupPath), for the error.</param>
    protected string? ResolvePath(string? path, string parameter)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return ProviderPath(NotBlank(path, parameter)).Path;
        }
        catch (SessionStateException e)
        {
            ThrowTerminatingError(new ErrorRecord(e.ErrorRecord, e));
            throw;
        }
        catch (PathErrorException e)
        {
            ThrowTerminatingError(e.ErrorRecord);
            throw;
        }
    }

    /// <summary>
    /// The file-system paths -Path (wildcards) or -LiteralPath (as typed) name, for the core to take as backups.
    /// A path that is wrong on its own (no match for a wildcard, another provider, a missing drive) is an error
    /// record and is left out, as Get-Item does; the others go on. A path without wildcards is passed on even when
    /// missing, so the core says what is missing in its own words, as the CLI does.
    /// </summary>
    protected string[] ResolveBackupPaths(string[]? paths, string[]? literalPaths)
    {
        var resolved = new List<string>();
        foreach (var path in literalPaths ?? paths ?? [])
        {
            try
            {
                var literal = literalPaths is not null;
                var parameter = literal ? "-LiteralPath" : "-Path";
                resolved.AddRange(Resolve(NotBlank(path, parameter), literal, parameter));
            }
            catch (SessionStateException e)
            {
                WriteError(new ErrorRecord(e.ErrorRecord, e));
            }
            catch (PathErrorException e)
            {
                WriteError(e.ErrorRecord);
            }
        }

        return resolved.ToArray();
    }

    /// <summary>
    /// The one file-system path a destination names (Backup-Database's store -Path, a restore's -Destination): a
    /// wildcard must match one existing item, or none (then it is the name of a folder to create); two or more is a
    /// terminating error. <paramref name="literal"/> takes it as typed.
    /// </summary>
    /// <param name="parameter">The parameter as typed, for errors; default -Path or -LiteralPath.</param>
    protected string ResolveDestinationPath(string path, bool literal, string? parameter = null)
    {
        parameter ??= literal ? "-LiteralPath" : "-Path";
        try
        {
            List<string> resolved;
            try
            {
                resolved = Resolve(NotBlank(path, parameter), literal, parameter);
            }
            catch (PathErrorException e) when (e.ErrorRecord.FullyQualifiedErrorId == "PathNotFound")
            {
                return ProviderPath(path).Path; // a folder to create, named as typed
            }

            if (resolved.Count > 1)
            {
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{parameter} {path} matches {resolved.Count} items ({string.Join(", ", resolved.Take(3))}...); "
                    + "a backup goes into one store: name one folder, or use -LiteralPath for a name with wildcard characters."), "AmbiguousPath", ErrorCategory.InvalidArgument, path));
            }

            return resolved[0];
        }
        catch (SessionStateException e)
        {
            ThrowTerminatingError(new ErrorRecord(e.ErrorRecord, e));
            throw;
        }
        catch (PathErrorException e)
        {
            ThrowTerminatingError(e.ErrorRecord);
            throw;
        }
    }

    /// <summary>
    /// Wildcards are expanded by the provider, except in a path that exists as typed: a record's Path (bound by
    /// property name to -Path) is a real file name, and may contain [ ].
    /// </summary>
    /// <param name="parameter">The parameter as typed (-Path, -SourcePath), for the error of a pattern that matches nothing.</param>
    /// <param name="source">
    /// What is backed up: a pattern matches hidden items too (as Get-Item -Force), since .env files and dot-folders are
    /// exactly what -SourcePath apps/*/.env names, and leaving them out would be a silent loss.
    /// </param>
    private List<string> Resolve(string path, bool literal, string parameter, bool source = false)
    {
        var (full, exists) = ProviderPath(path);
        if (literal || exists || !WildcardPattern.ContainsWildcardCharacters(path))
        {
            return [full];
        }

        List<string> matches;
        try
        {
            // The provider was checked on the typed path (ProviderPath): a pattern stays in its provider.
            matches = source
                ? [.. InvokeProvider.Item.Get([path], force: true, literalPath: false).Select(i => ((FileSystemInfo)i.BaseObject).FullName)]
                : [.. SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _)];
        }
        catch (ItemNotFoundException)
        {
            matches = [];
        }

        // As Get-Item: a pattern that matches nothing is an error of its own, not silence.
        return matches.Count > 0 ? matches : throw new PathErrorException(new ErrorRecord(
            new ItemNotFoundException(parameter is "-Path"
                ? $"Cannot find a backup path matching '{path}': no file or folder matches it. Check the pattern, or use -LiteralPath for a name with wildcard characters."
                : $"Cannot find a file or folder matching {parameter} '{path}'. Check the pattern; a name that exists as typed is taken as it is, wildcard characters and all."),
            "PathNotFound", ErrorCategory.ObjectNotFound, path));
    }

    /// <summary>The core's blank-path rule (<see cref="BackupPaths.NotBlank"/>), as a path error of the parameter.</summary>
    private static string NotBlank(string path, string parameter)
    {
        try
        {
            return BackupPaths.NotBlank(path, parameter);
        }
        catch (BackupPsException e)
        {
            throw new PathErrorException(ToErrorRecord(e));
        }
    }

    /// <summary>
    /// The file-system path <paramref name="path"/> names, against the PowerShell location. The provider leaves a relative
    /// provider-qualified path (FileSystem::app/certs) relative; made absolute here, or the core would take it against the
    /// process's directory, which is not where the user is.
    /// </summary>
    private (string Path, bool Exists) ProviderPath(string path)
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        RequireFileSystem(provider, path);
        if (!System.IO.Path.IsPathRooted(full))
        {
            full = System.IO.Path.GetFullPath(full, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
        }

        return (full, File.Exists(full) || Directory.Exists(full));
    }

    private static void RequireFileSystem(ProviderInfo provider, string path)
    {
        if (provider.Name != "FileSystem")
        {
            throw new PathErrorException(new ErrorRecord(new ArgumentException($"'{path}' is a path of the {provider.Name} provider; BackupPs reads and writes files only: pass a file-system path."),
                "PathNotFileSystem", ErrorCategory.InvalidArgument, path));
        }
    }

    /// <summary>
    /// The file-system paths of what is backed up (-SourcePath) one pipeline item names, resolved as -Path's are (wildcards
    /// expanded by the provider, a path that exists as typed kept, PSPath and relative forms made provider paths, other
    /// providers refused); each that cannot be resolved is an error record of its own and left out.
    /// </summary>
    private List<string> ResolveSourcePaths(string[] paths, string parameter)
    {
        var resolved = new List<string>();
        foreach (var path in paths)
        {
            try
            {
                resolved.AddRange(Resolve(NotBlank(path, parameter), literal: false, parameter, source: true));
            }
            catch (SessionStateException e)
            {
                WriteError(new ErrorRecord(e.ErrorRecord, e));
            }
            catch (PathErrorException e)
            {
                WriteError(e.ErrorRecord);
            }
        }

        return resolved;
    }

    /// <summary>The run being collected from the pipeline by a command with a source path; null before the first item.</summary>
    private SourceBatch? _sources;

    /// <summary>
    /// ProcessRecord of a command with a source path (<see cref="OptionAttribute.IsSourcePath"/>): resolves this item's
    /// paths and adds them to the run, which starts in <see cref="RunCollectedSourcePaths"/>, so that
    /// `Get-ChildItem -Filter .env -Recurse | Export-EnvFile` is one backup of every file, as the CLI's repeated
    /// --source-path is. When another option differs from the run's (bound by property name from a piped object that
    /// carries it), the run collected so far goes first and a new one starts with this item's.
    /// </summary>
    /// <param name="sourceOption">The name of the source path option (SourcePath).</param>
    /// <param name="paths">Its value for this item as bound; null when it is not given.</param>
    protected void CollectSourcePaths<TOptions>(ICommandHandler<TOptions> handler, TOptions options, string sourceOption, string[]? paths)
        where TOptions : class
    {
        var snapshot = OptionValues.Copy(options);
        if (_sources is not null && !OptionValues.EqualExcept(_sources.Options, snapshot, sourceOption))
        {
            RunCollectedSourcePaths();
        }

        _sources ??= new SourceBatch(snapshot, sourceOption, (c, o) => c.Run(handler, (TOptions)o));
        if (paths is not null)
        {
            _sources.Given = true;
            _sources.Paths.AddRange(ResolveSourcePaths(paths, "-" + sourceOption));
        }
    }

    /// <summary>
    /// EndProcessing of a command with a source path: runs the command once with every path collected. When paths were
    /// given and none resolved, each was reported already and there is nothing to run.
    /// </summary>
    protected void RunCollectedSourcePaths()
    {
        if (_sources is not { } batch)
        {
            return;
        }

        _sources = null;
        if (batch.Given)
        {
            if (batch.Paths.Count == 0)
            {
                return;
            }

            OptionValues.Set(batch.Options, batch.SourceOption, batch.Paths.ToArray());
        }

        batch.Run(this, batch.Options);
    }

    /// <summary>The options of one run of a source path command, and the paths collected for it.</summary>
    private sealed class SourceBatch(object options, string sourceOption, Action<BackupPsCmdlet, object> run)
    {
        public object Options { get; } = options;

        public string SourceOption { get; } = sourceOption;

        public Action<BackupPsCmdlet, object> Run { get; } = run;

        public List<string> Paths { get; } = [];

        /// <summary>Whether any item gave the source option (else the options' own default stands).</summary>
        public bool Given { get; set; }
    }

    /// <summary>A path that cannot be resolved, carried to where it is reported (non-terminating for one of many, terminating for a destination).</summary>
    private sealed class PathErrorException(ErrorRecord record) : Exception(record.Exception.Message)
    {
        public ErrorRecord ErrorRecord { get; } = record;
    }

    protected void Run<TOptions>(ICommandHandler<TOptions> handler, TOptions options)
    {
        using var host = new PipelineHost(_stopping.Token);
        var work = Task.Run(async () =>
        {
            // What this invocation creates is held only while it runs: the session outlives it, and a later
            // run in this session removes at once what its cleanup could not.
            using var run = OperationRun.Begin(_stopping.Token);
            try
            {
                await handler.ExecuteAsync(options, host, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                host.Complete();
            }
        });

        try
        {
            foreach (var message in host.Messages)
            {
                message(this);
            }
        }
        catch
        {
            // The pipeline was stopped downstream (Select-Object -First, Ctrl+C) or a Write* threw:
            // stop the core and let it remove what it had started before we unwind.
            _stopping.Cancel();
            work.ContinueWith(static _ => { }, TaskScheduler.Default).Wait();
            // The core completed its activities on the way out, but into a queue no one replays now:
            // close every bar the host was shown, or it keeps drawing "Dumping app" after the stop.
            host.CompleteOpenProgress(this);
            throw;
        }

        try
        {
            work.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (BackupPsException error) when (error.ConcernsWholeInvocation)
        {
            // No later pipeline item could succeed either (a switch combination, no Docker daemon).
            ThrowTerminatingError(ToErrorRecord(error));
        }
        catch (BackupPsException error)
        {
            // About this item only: the next one still runs, and -ErrorAction decides what the caller sees.
            WriteError(ToErrorRecord(error));
        }
        catch (Exception bug) when (bug is not PipelineStoppedException)
        {
            // No input should get here (a cancellation that is not our stop included): say it is a bug instead of
            // surfacing a bare .NET exception, and stop, since what state the bug left is unknown.
            ThrowTerminatingError(ToErrorRecord(BackupPsException.ForBug(bug, "$Error[0].Exception.InnerException.StackTrace has the stack trace")));
        }
    }

    internal static ErrorRecord ToErrorRecord(BackupPsException error) =>
        new(error, error.ErrorId, Enum.Parse<ErrorCategory>(error.Category.ToString()), error.Target);

    /// <summary>Queues the core's callbacks as actions to replay on the pipeline thread.</summary>
    private sealed class PipelineHost(CancellationToken stopping) : IOperationHost, IDisposable
    {
        /// <summary>Progress source ids are counted from far above pwsh's own (which count up from 1 per command), so they never meet.</summary>
        private static long s_lastProgressSource = long.MaxValue / 2;

        private readonly BlockingCollection<Action<BackupPsCmdlet>> _queue = new();

        public IEnumerable<Action<BackupPsCmdlet>> Messages => _queue.GetConsumingEnumerable();

        public void Complete() => _queue.CompleteAdding();

        public void Dispose() => _queue.Dispose();

        // Written with the stable PSTypeNames (BackupPs.BackupRecord ...) the views and scripts key on.
        public void WriteOutput(object record) => _queue.Add(c => c.WriteObject(OutputTypeNames.Decorate(record)));

        public void WriteError(BackupPsException error) => _queue.Add(c => c.WriteError(ToErrorRecord(error)));

        public void WriteVerbose(string message) => _queue.Add(c => c.WriteVerbose(message));

        public void WriteWarning(string message) => _queue.Add(c => c.WriteWarning(message));

        /// <summary>
        /// The source id of every progress record of this invocation (the host tells bars apart by source and
        /// activity): the Completed records written after a stop must reach the same bars.
        /// </summary>
        private readonly long _progressSource = Interlocked.Increment(ref s_lastProgressSource);

        /// <summary>The activities shown and not completed yet, oldest first; touched on the pipeline thread only.</summary>
        private readonly List<ProgressRecord> _open = [];

        public void WriteProgress(OperationProgress progress) => _queue.Add(c =>
        {
            var record = new ProgressRecord(progress.ActivityId, progress.Activity, progress.Status)
            {
                PercentComplete = progress.PercentComplete,
                ParentActivityId = progress.ParentActivityId,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            c.CommandRuntime.WriteProgress(_progressSource, record);
            // Only what the host was shown (a stopped pipeline refuses the write): a Completed record refused counts as still open.
            _open.RemoveAll(r => r.ActivityId == record.ActivityId);
            if (!progress.Completed)
            {
                _open.Add(record);
            }
        });

        /// <summary>
        /// Writes a Completed record for every activity shown and not completed, children before their parents,
        /// when the queue is abandoned (the pipeline was stopped). A stopped pipeline refuses the cmdlet's
        /// WriteProgress, so these go to the host directly, as pwsh itself lets a script's finally block complete its bars.
        /// </summary>
        public void CompleteOpenProgress(BackupPsCmdlet cmdlet)
        {
            for (var i = _open.Count - 1; i >= 0; i--)
            {
                var open = _open[i];
                cmdlet.Host?.UI?.WriteProgress(_progressSource, new ProgressRecord(open.ActivityId, open.Activity, open.StatusDescription)
                {
                    ParentActivityId = open.ParentActivityId,
                    RecordType = ProgressRecordType.Completed,
                });
            }

            _open.Clear();
        }

        public bool ShouldProcess(string target, string action)
        {
            // The worker blocks until the pipeline thread has asked the user (-WhatIf/-Confirm).
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Add(c => answer.SetResult(c.Confirm(target, action)));
            answer.Task.Wait(stopping);
            return answer.Task.Result;
        }
    }
}
