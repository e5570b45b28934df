using System.Text.Json;
using System.Text.Json.Nodes;

namespace WorkCentre.EventStore;

/// <summary>Turns domain events into (alias, JSON) and stored rows back into events, upcasting old aliases.</summary>
internal sealed class EventSerializer
{
    private readonly EventTypeRegistry _types;
    private readonly JsonSerializerOptions _json;

    public EventSerializer(EventStoreOptions options)
    {
        _types = options.Types;
        _json = new JsonSerializerOptions(options.Json);
        options.Protector?.Configure(_json);
        _json.MakeReadOnly(populateMissingResolver: true);
    }

    public JsonSerializerOptions Json => _json;

    public (string Alias, string Json) Serialize(object @event) =>
        (_types.AliasFor(@event.GetType()), JsonSerializer.Serialize(@event, @event.GetType(), _json));

    public object Deserialize(string alias, string json)
    {
        var (type, upcasted) = _types.Resolve(alias, () => JsonNode.Parse(json)?.AsObject()
            ?? throw new JsonException($"Event payload of '{alias}' is not a JSON object."));
        var result = upcasted is null
            ? JsonSerializer.Deserialize(json, type, _json)
            : upcasted.Deserialize(type, _json);
        return result ?? throw new JsonException($"Event payload of '{alias}' is null.");
    }

    public string? SerializeHeaders(IReadOnlyDictionary<string, string>? headers) =>
        headers is null || headers.Count == 0 ? null : JsonSerializer.Serialize(headers, _json);

    public static IReadOnlyDictionary<string, string>? DeserializeHeaders(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);
}
