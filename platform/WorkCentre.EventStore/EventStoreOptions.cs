using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Npgsql;
using WorkCentre.EventStore.Projections;

namespace WorkCentre.EventStore;

public sealed partial class EventStoreOptions
{
    public required NpgsqlDataSource DataSource { get; init; }

    /// <summary>The PostgreSQL schema that holds the store's tables; one service database, one store.</summary>
    public string Schema { get; init; } = "events";

    public string TenantId { get; init; } = "*DEFAULT*";

    public EventTypeRegistry Types { get; init; } = new();

    public JsonSerializerOptions Json { get; init; } = DefaultJson();

    public IEventPayloadProtector? Protector { get; init; }

    /// <summary>Projections that run inside the append's transaction.</summary>
    public IReadOnlyList<IProjection> InlineProjections { get; init; } = [];

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static JsonSerializerOptions DefaultJson() => new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    internal void Validate()
    {
        // The schema name is spliced into SQL; only a plain identifier may pass.
        if (!IdentifierPattern().IsMatch(Schema))
        {
            throw new ArgumentException($"'{Schema}' is not a plain lower-case PostgreSQL identifier.", nameof(Schema));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
