using BackupPs.Core.Catalog;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Commands;

/// <summary>A rule of the core that an option's value must follow, checked where the value is bound (cmdlet and CLI).</summary>
public enum OptionRule
{
    None,

    /// <summary>1-32 letters, digits, '-' or '_' (<see cref="BackupNames.NormalizeEnvironment"/>).</summary>
    EnvironmentName,

    /// <summary>A name PostgreSQL keeps as typed: 1-63 bytes, no NUL (<see cref="PostgresNames.Require"/>).</summary>
    PostgresName,
}

/// <summary>Applies an <see cref="OptionRule"/> with the core's own checks, so the front ends hold no second copy of a rule.</summary>
public static class OptionRules
{
    /// <summary>Throws the core's <see cref="Errors.BackupPsException"/> (InvalidArgument) when <paramref name="value"/> breaks <paramref name="rule"/>.</summary>
    /// <param name="option">The option as the user typed it (-Database, --database), for the message.</param>
    public static void Check(OptionRule rule, string value, string option)
    {
        switch (rule)
        {
            case OptionRule.EnvironmentName:
                BackupNames.NormalizeEnvironment(value);
                break;
            case OptionRule.PostgresName:
                PostgresNames.Require(value, option);
                break;
        }
    }
}
