using System.Buffers;
using System.Text.Json;

namespace BackupPs.Core.Docker;

/// <summary>Reflection-free JSON reading/writing helpers (trim-safe) for the Docker API shapes.</summary>
internal static class DockerJson
{
    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>(0);

    internal static bool TryGet(this JsonElement e, string name, out JsonElement value)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    internal static string? Str(this JsonElement e, string name)
        => e.TryGet(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static string StrOrEmpty(this JsonElement e, string name) => e.Str(name) ?? string.Empty;

    internal static bool Bool(this JsonElement e, string name)
        => e.TryGet(name, out JsonElement v) && v.ValueKind == JsonValueKind.True;

    internal static long? Int64(this JsonElement e, string name)
        => e.TryGet(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l : null;

    internal static IReadOnlyList<string> StrList(this JsonElement e, string name)
    {
        if (!e.TryGet(name, out JsonElement v) || v.ValueKind != JsonValueKind.Array)
        {
            return Array.Empty<string>();
        }

        var list = new List<string>(v.GetArrayLength());
        foreach (JsonElement item in v.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
        }

        return list;
    }

    internal static IReadOnlyDictionary<string, string> StrMap(this JsonElement e, string name)
    {
        if (!e.TryGet(name, out JsonElement v) || v.ValueKind != JsonValueKind.Object)
        {
            return EmptyMap;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty p in v.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }

        return map;
    }

    /// <summary>Builds a JSON body with <see cref="Utf8JsonWriter"/>.</summary>
    internal static byte[] Write(Action<Utf8JsonWriter> build)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            build(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static void WriteStringArray(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string s in values)
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
    }

    internal static void WriteStringMap(this Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        w.WriteStartObject(name);
        foreach (KeyValuePair<string, string> kv in values)
        {
            w.WriteString(kv.Key, kv.Value);
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// The <c>filters</c> query value for label filters, in the array form <c>{"label":["k=v",...]}</c>
    /// (several labels are ANDed by the daemon). A null value filters on the key's presence. Null when no filters.
    /// </summary>
    internal static string? LabelFilters(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return null;
        }

        byte[] json = Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("label");
            foreach (KeyValuePair<string, string> kv in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteStringValue(kv.Value is null ? kv.Key : kv.Key + "=" + kv.Value);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return System.Text.Encoding.UTF8.GetString(json);
    }
}
