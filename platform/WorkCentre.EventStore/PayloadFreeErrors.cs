using System.Text.Json;
using Npgsql;

namespace WorkCentre.EventStore;

/// <summary>
/// An exception whose message is built from identifiers only (aliases, sequences, stream and subject ids, property
/// names), never from payload values, so its message may be stored and logged as it is.
/// </summary>
public interface IPayloadFreeMessage;

/// <summary>Describes an error for tables, health reports and logs without quoting the payload it failed on.</summary>
public static class PayloadFreeErrors
{
    // Messages quote what they failed on: a converter rejecting a decrypted personal value put it in
    // dead_letter_events in clear, and PostgreSQL's messages quote input values (e.g. invalid input syntax).
    public static string Describe(Exception error) => error switch
    {
        IPayloadFreeMessage => error.Message,
        JsonException { Path: not null } json => $"JSON could not be read at {json.Path} (line {json.LineNumber ?? 0}, byte {json.BytePositionInLine ?? 0}).",
        JsonException => "JSON could not be read.",
        PostgresException pg => pg.ConstraintName is { } constraint
            ? $"PostgreSQL error {pg.SqlState} on constraint {constraint}."
            : $"PostgreSQL error {pg.SqlState}.",
        _ => $"{error.GetType().Name}; its message is not kept because it may quote the payload.",
    };
}
