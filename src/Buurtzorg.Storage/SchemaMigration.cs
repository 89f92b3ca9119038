namespace Buurtzorg.Storage;

/// <summary>One versioned migration embedded in this assembly (<c>Migrations/0001_name.sql</c>).</summary>
public sealed class SchemaMigration
{
    internal SchemaMigration(int version, string name, string checksum, string script)
    {
        Version = version;
        Name = name;
        Checksum = checksum;
        Script = script;
    }

    public int Version { get; }

    public string Name { get; }

    /// <summary>SHA-256 of the script (UTF-8, line endings normalised to LF), as lowercase hex.</summary>
    public string Checksum { get; }

    internal string Script { get; }

    public override string ToString() => $"{Version:D4}_{Name}";
}
