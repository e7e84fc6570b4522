using System.Management.Automation;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;

namespace BackupPs.Commands;

/// <summary>
/// Checks a parameter's value at binding with the core's own rule (<see cref="OptionRules"/>), so a bad
/// environment name is a ParameterArgumentValidationError before anything runs, with the core's message.
/// Generated from OptionAttribute.Rule.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateOptionRuleAttribute(OptionRule rule, string parameter) : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is not string value)
        {
            return;
        }

        try
        {
            OptionRules.Check(rule, value, parameter);
        }
        catch (BackupPsException e)
        {
            throw new ValidationMetadataException(e.Message, e);
        }
    }
}
