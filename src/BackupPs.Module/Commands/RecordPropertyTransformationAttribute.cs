using System.Collections;
using System.Management.Automation;
using BackupPs.Core.Catalog;

namespace BackupPs.Commands;

/// <summary>
/// A backup record piped into a parameter that binds both by value and by property name (Backup-Volume's -Volume) binds as
/// its property of that name, as text. Without it PowerShell's order of binding would take the record itself by value
/// and coerce it to a string (its ToString, "data-prod-....tar.zst (prod/volume/data, ...)") before it ever tried the
/// property: a record's Volume is a VolumeSource, not a string, so the by-property-name pass without coercion does not
/// take it. Anything else passes unchanged. Generated for options with FromPipeline and FromPipelineByPropertyName.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class RecordPropertyTransformationAttribute(string property) : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        inputData is IList list ? list.Cast<object?>().Select(One).ToArray() : One(inputData);

    private object? One(object? item)
    {
        if ((item is PSObject wrapped ? wrapped.BaseObject : item) is not BackupRecord record)
        {
            return item;
        }

        var value = typeof(BackupRecord).GetProperty(property)?.GetValue(record);
        return value?.ToString()
            ?? throw new ArgumentTransformationMetadataException($"{record} is a {record.Kind} backup and has no {property}, so it cannot be given as -{property}.");
    }
}
