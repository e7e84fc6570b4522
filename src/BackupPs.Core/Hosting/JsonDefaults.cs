using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackupPs.Core.Hosting;

/// <summary>JSON settings shared by manifests and the CLI's --json output: property names exactly as
/// the .NET types (and therefore the cmdlets' output objects) spell them, enums as names.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
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
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
