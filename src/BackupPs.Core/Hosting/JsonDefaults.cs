using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace BackupPs.Core.Hosting;

/// <summary>JSON settings shared by manifests and the CLI's --json output: property names exactly as
/// the .NET types (and therefore the cmdlets' output objects) spell them, enums as names.</summary>
public static class JsonDefaults
{
    /// <summary>
    /// Manifests: indented, durations in .NET's constant form ("00:00:01.5000000"), the form every BackupPs wrote
    /// and reads, so older versions keep reading a store this one writes to. ISO 8601 durations are read too.
    /// </summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true, isoDurations: false);

    /// <summary>
    /// The CLI's --json lines: one line each, and durations in ISO 8601 ("PT1.5S") like the times, so jq and log
    /// shippers read them without knowing .NET's TimeSpan text, and as PowerShell's ConvertTo-Json writes them.
    /// </summary>
    public static JsonSerializerOptions CommandOutput { get; } = Create(indented: false, isoDurations: true);

    private static JsonSerializerOptions Create(bool indented, bool isoDurations)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // Manifests and --json lines are read by people, jq and log shippers, never embedded in
            // HTML: keep '+', quotes in names and Japanese text readable instead of \uXXXX.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new DurationConverter(isoDurations));

        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>
/// A TimeSpan as text: written in ISO 8601 ("PT1.5S", "P1DT2H", the form XML Schema and most JSON consumers know)
/// or in .NET's constant form ("1.02:00:00"); read in either, so a manifest may hold both.
/// </summary>
internal sealed class DurationConverter(bool writeIso) : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // Without a message of its own, the JsonException gets System.Text.Json's, which names the field and the
        // position ("could not be converted to System.TimeSpan. Path: $.Duration ..."), never the (hostile) text.
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException();
        try
        {
            return text.TrimStart('-').StartsWith('P')
                ? XmlConvert.ToTimeSpan(text)
                : TimeSpan.ParseExact(text, "c", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new JsonException(null, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(writeIso ? XmlConvert.ToString(value) : value.ToString("c", CultureInfo.InvariantCulture));
}
