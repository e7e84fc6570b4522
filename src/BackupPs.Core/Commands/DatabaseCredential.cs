namespace BackupPs.Core.Commands;

/// <summary>
/// A PostgreSQL login. The password only ever travels in a docker exec environment (PGPASSWORD),
/// never in argv, output or logs; <see cref="ToString"/> is overridden so it cannot leak by accident.
/// </summary>
public sealed class DatabaseCredential
{
    public DatabaseCredential(string userName, string password)
    {
        UserName = userName;
        Password = password;
    }

    public string UserName { get; }

    internal string Password { get; }

    public override string ToString() => UserName;
}
