namespace Buurtzorg.Grains;

/// <summary>The grain storage every Buurtzorg grain keeps its state in (memory when embedded, PostgreSQL when durable).</summary>
public static class BuurtzorgStorage
{
    public const string Name = "buurtzorg";
}
