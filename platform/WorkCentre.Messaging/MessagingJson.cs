using System.Text.Json;
using System.Text.Json.Serialization;

namespace WorkCentre.Messaging;

/// <summary>One JSON shape for messages on the bus and in the outbox: camelCase, enums as names.</summary>
public static class MessagingJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        if (!options.Converters.Any(c => c is JsonStringEnumConverter))
        {
            options.Converters.Add(new JsonStringEnumConverter());
        }
        return options;
    }
}
