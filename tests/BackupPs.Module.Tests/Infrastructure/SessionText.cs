using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupPs.Module.Tests.Infrastructure;

/// <summary>What a user reads from a session: rendered views, tab completions, and JSON compared regardless of key order.</summary>
internal static class SessionText
{
    /// <summary>The text <paramref name="pipeline"/> renders at 80 columns (Out-String -Width 80).</summary>
    public static string Render(ModuleSession session, string pipeline, params object?[] arguments) =>
        string.Concat(session.Invoke(pipeline + " | Out-String -Width 80", arguments).AssertSucceeded().Output.Select(o => o.BaseObject as string));

    /// <summary>The non-blank lines of rendered text.</summary>
    public static string[] Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();

    /// <summary>What Tab offers at the end of <paramref name="line"/> (TabExpansion2), as it would be typed.</summary>
    public static string[] Complete(ModuleSession session, string line) => session
        .Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object CompletionText", line)
        .AssertSucceeded().Output.Select(o => (string)o.BaseObject).ToArray();

    /// <summary>A JSON document with every object's keys in ordinal order, so two writers' output compares as text.</summary>
    public static string CanonicalJson(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + CanonicalJson(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(CanonicalJson)) + "]",
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(v.GetValue<string>()),
        _ => node.ToJsonString(),
    };
}
