using Npgsql;

namespace WorkCentre.Testing;

/// <summary>
/// A fresh PostgreSQL database for one test class on the real server that <c>./workcentre test</c> starts,
/// dropped afterwards. Tests inside a class isolate themselves further by schema.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public const string ConnectionVariable = "WORKCENTRE_POSTGRES";

    public string Name { get; } = $"wc_test_{Guid.NewGuid():N}"[..24];

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable)
        ?? throw new InvalidOperationException($"{ConnectionVariable} is not set; run the tests through ./workcentre test, which starts PostgreSQL.");

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {Name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = Name, MaxPoolSize = 60 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A schema name no other test in this database uses.</summary>
    public static string UniqueSchema(string prefix = "es") => $"{prefix}_{Guid.NewGuid():N}"[..20];

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
