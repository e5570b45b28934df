using Npgsql;

namespace WorkCentre.EndToEnd.Tests.Infrastructure;

/// <summary>Where values are stored readably: every text, json and array column of every table of a database.</summary>
public static class Cleartext
{
    /// <summary>The columns (schema.table.column) holding any of <paramref name="values"/>, case-insensitively; empty when none does.</summary>
    public static async Task<List<string>> FindAsync(NpgsqlDataSource dataSource, IEnumerable<string> values)
    {
        var patterns = values.Select(v => $"%{v}%").ToArray();
        var columns = new List<(string Schema, string Table, string Column)>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var list = new NpgsqlCommand(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns c join information_schema.tables t " +
            "on t.table_schema = c.table_schema and t.table_name = c.table_name where t.table_type = 'BASE TABLE' " +
            "and c.table_schema not in ('pg_catalog', 'information_schema') and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')",
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        Assert.Contains(columns, c => c is { Schema: "events", Table: "events", Column: "data" });
        var found = new List<string>();
        foreach (var (schema, table, column) in columns)
        {
            await using var cmd = new NpgsqlCommand($"select count(*) from \"{schema}\".\"{table}\" where \"{column}\"::text ilike any($1)", connection);
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = patterns });
            if ((long)(await cmd.ExecuteScalarAsync())! > 0)
            {
                found.Add($"{schema}.{table}.{column}");
            }
        }
        return found;
    }
}
