using System.Text.Json.Nodes;

namespace WorkCentre.EventStore;

/// <summary>
/// Maps stable, versioned aliases (e.g. <c>intake.handover_requested.v1</c>) to CLR types and back.
/// Stored rows are never rewritten: an old alias is read through upcasters into the current type,
/// so the CLR type name is never needed to read a stream.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<string, Type> _typesByAlias = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _aliasesByType = [];
    private readonly Dictionary<string, (string To, Func<JsonObject, JsonObject> Upcast)> _upcasters = new(StringComparer.Ordinal);

    public EventTypeRegistry Map<TEvent>(string alias) => Map(typeof(TEvent), alias);

    public EventTypeRegistry Map(Type eventType, string alias)
    {
        ValidateAlias(alias);
        if (_typesByAlias.TryGetValue(alias, out var existing) && existing != eventType)
        {
            throw new InvalidOperationException($"Event alias '{alias}' is already mapped to {existing.Name}.");
        }
        if (_upcasters.ContainsKey(alias))
        {
            throw new InvalidOperationException($"Event alias '{alias}' is read through an upcaster; it cannot also map to a type.");
        }
        _typesByAlias[alias] = eventType;
        _aliasesByType[eventType] = alias;
        return this;
    }

    /// <summary>Registers how rows stored under <paramref name="fromAlias"/> are read as <paramref name="toAlias"/>.</summary>
    public EventTypeRegistry Upcast(string fromAlias, string toAlias, Func<JsonObject, JsonObject> upcast)
    {
        ValidateAlias(fromAlias);
        ValidateAlias(toAlias);
        if (_typesByAlias.ContainsKey(fromAlias))
        {
            throw new InvalidOperationException($"Event alias '{fromAlias}' maps to a type; it cannot also be upcast.");
        }
        _upcasters[fromAlias] = (toAlias, upcast);
        return this;
    }

    public string AliasFor(Type eventType) =>
        _aliasesByType.TryGetValue(eventType, out var alias)
            ? alias
            : throw new UnknownEventTypeException($"No alias is registered for event type {eventType.Name}.");

    public bool IsKnown(string alias) => _typesByAlias.ContainsKey(alias) || _upcasters.ContainsKey(alias);

    /// <summary>Resolves a stored alias to the CLR type it is read as, upcasting the JSON when the alias is old.</summary>
    internal (Type Type, JsonObject? Upcasted) Resolve(string alias, Func<JsonObject> parse)
    {
        if (_typesByAlias.TryGetValue(alias, out var type))
        {
            return (type, null);
        }
        JsonObject? json = null;
        var current = alias;
        // Bounded walk: a cycle in registered upcasters must not hang a reader.
        for (var hops = 0; hops < 32 && _upcasters.TryGetValue(current, out var step); hops++)
        {
            json = step.Upcast(json ?? parse());
            current = step.To;
            if (_typesByAlias.TryGetValue(current, out type))
            {
                return (type, json);
            }
        }
        throw new UnknownEventTypeException($"Event alias '{alias}' is not registered.");
    }

    private static void ValidateAlias(string alias)
    {
        if (string.IsNullOrWhiteSpace(alias) || alias.Length > 200 || alias.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{alias}' is not a valid event alias.", nameof(alias));
        }
    }
}

public sealed class UnknownEventTypeException(string message) : Exception(message), IPayloadFreeMessage;
