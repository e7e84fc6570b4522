using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupPs.Core.Hosting;

/// <summary>JSON settings shared by manifests and the CLI's --json output: property names exactly as
/// the .NET types (and therefore the cmdlets' output objects) spell them, enums as names.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>
    /// The CLI's --json lines: one line each, and durations in ISO 8601 ("PT1.5S") like the times, so
    /// jq and log shippers read them without knowing .NET's TimeSpan text. Manifests keep their own format.
    /// </summary>
    public static JsonSerializerOptions CommandOutput { get; } = Create(indented: false, isoDurations: true);

    private static JsonSerializerOptions Create(bool indented, bool isoDurations = false)
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
        if (isoDurations)
        {
            options.Converters.Add(new IsoDurationConverter());
        }

        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A TimeSpan as an ISO 8601 duration ("PT1.5S", "P1DT2H"), the form XML Schema and most JSON consumers know.</summary>
internal sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        System.Xml.XmlConvert.ToTimeSpan(reader.GetString() ?? throw new JsonException("A duration must be a string."));

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(System.Xml.XmlConvert.ToString(value));
}
