using System.Text.Json;
using Npgsql;

namespace WorkCentre.EventStore;

/// <summary>
/// A hook that protects parts of event payloads (the privacy platform encrypts personal data through it).
/// Keys are fetched asynchronously in Begin*; serialization itself is synchronous inside the returned scope.
/// </summary>
public interface IEventPayloadProtector
{
    /// <summary>Adds whatever converters or contract modifiers protection needs; called once, before the options freeze.</summary>
    void Configure(JsonSerializerOptions options);

    /// <summary>Prepares keys for the events about to be written, on the append's own connection and transaction.</summary>
    ValueTask<IDisposable?> BeginWriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<object> events, CancellationToken ct);

    /// <summary>Prepares keys for the stored payloads about to be read.</summary>
    ValueTask<IPayloadReadScope?> BeginReadAsync(NpgsqlConnection connection, IReadOnlyList<string> payloads, CancellationToken ct);
}

/// <summary>Keys prepared for several stored payloads, which are then read one after another.</summary>
public interface IPayloadReadScope : IDisposable
{
    /// <summary>Called before each payload: nothing an earlier one left behind (it may have failed halfway) may reach it.</summary>
    void BeginPayload();
}
