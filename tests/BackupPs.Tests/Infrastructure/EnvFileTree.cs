namespace BackupPs.Tests.Infrastructure;

/// <summary>
/// A throwaway deployment with two .env files (apps/api/.env, apps/web/.env) whose every value is a unique random
/// marker, and a store folder beside them: whatever a test captures (streams, output objects, manifests) must hold no
/// marker, and only the decompressed artifact may. One line of the web file defines nothing and holds a marker too,
/// so the warning about it must name the line without its text.
/// </summary>
public sealed class EnvFileTree : IDisposable
{
    private EnvFileTree(string root)
    {
        Root = root;
        Store = Path.Combine(root, "store");
        Api = Path.Combine(root, "app", "apps", "api", ".env");
        Web = Path.Combine(root, "app", "apps", "web", ".env");
        Markers = Enumerable.Range(0, 6).Select(i => $"SeCrEt{i}x{Guid.NewGuid():N}").ToArray();
    }

    public string Root { get; }

    /// <summary>The store folder (not created).</summary>
    public string Store { get; }

    public string Api { get; }

    public string Web { get; }

    /// <summary>The values of the files; none may appear outside the artifact.</summary>
    public IReadOnlyList<string> Markers { get; }

    /// <summary>The names apps/api/.env defines, in order.</summary>
    public static IReadOnlyList<string> ApiNames { get; } = ["JWT_SECRET", "DB_PASSWORD", "PRIVATE_KEY", "API_TOKEN", "API_URL"];

    /// <summary>The names apps/web/.env defines, in order.</summary>
    public static IReadOnlyList<string> WebNames { get; } = ["SESSION_KEY", "NEXT_PUBLIC_NAME"];

    /// <summary>The line of apps/web/.env that defines nothing.</summary>
    public const int WebBrokenLine = 4;

    public static EnvFileTree Create()
    {
        var tree = new EnvFileTree(Directory.CreateTempSubdirectory("bps-env-").FullName);
        Directory.CreateDirectory(Path.GetDirectoryName(tree.Api)!);
        Directory.CreateDirectory(Path.GetDirectoryName(tree.Web)!);
        var m = tree.Markers;
        File.WriteAllText(tree.Api, $"# api\nJWT_SECRET={m[0]}\nexport DB_PASSWORD=\"{m[1]}\"\nPRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\n{m[2]}\n-----END PRIVATE KEY-----\"\r\nAPI_TOKEN='{m[3]}' # rotated\nAPI_URL=https://api.example.test\n");
        File.WriteAllText(tree.Web, $"SESSION_KEY='{m[4]}'\nNEXT_PUBLIC_NAME=web\n\nthis line holds {m[5]} and defines nothing\n");
        File.SetUnixFileMode(tree.Api, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        return tree;
    }

    /// <summary>The first marker <paramref name="text"/> holds, or null.</summary>
    public string? MarkerIn(string text) => Markers.FirstOrDefault(m => text.Contains(m, StringComparison.Ordinal));

    /// <summary>Fails naming <paramref name="where"/> when <paramref name="text"/> holds a value.</summary>
    public void AssertNoValue(string text, string where) =>
        Assert.True(MarkerIn(text) is null, $"A .env value appears in {where}.");

    /// <summary>Every file under <see cref="Store"/> but the artifacts (*.tar.zst, *.tar.gz): manifests and anything else written there.</summary>
    public IEnumerable<string> StoreFilesButArtifacts() =>
        Directory.Exists(Store)
            ? Directory.EnumerateFiles(Store, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tar.zst", StringComparison.Ordinal) && !f.EndsWith(".tar.gz", StringComparison.Ordinal))
            : [];

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
