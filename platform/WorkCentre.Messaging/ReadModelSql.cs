using Npgsql;

namespace WorkCentre.Messaging;

/// <summary>What read models do in SQL, the same way everywhere.</summary>
public static class ReadModelSql
{
    /// <summary>Null as DBNull, and any moment in UTC: Npgsql writes timestamptz from offset 0 only, and a client's "+02:00" is the same moment.</summary>
    public static object Parameter(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset moment => moment.ToUniversalTime(),
        _ => value,
    };

    /// <summary>Runs one statement with positional parameters (<c>$1</c>, <c>$2</c>, …) in the projection's transaction.</summary>
    public static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IEnumerable<object?> values, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Parameter(value) });
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
