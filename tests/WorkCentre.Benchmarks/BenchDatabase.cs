using Npgsql;

namespace WorkCentre.Benchmarks;

/// <summary>A throwaway database on the server <c>./workcentre bench</c> started, dropped when the run ends.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private BenchDatabase(string admin, string name, NpgsqlDataSource dataSource)
    {
        _admin = admin;
        Name = name;
        DataSource = dataSource;
    }

    public string Name { get; }
    public NpgsqlDataSource DataSource { get; }

    public static async Task<BenchDatabase> CreateAsync(string prefix)
    {
        var admin = Environment.GetEnvironmentVariable("WORKCENTRE_POSTGRES")
            ?? throw new InvalidOperationException("WORKCENTRE_POSTGRES is not set; run through ./workcentre bench.");
        var name = $"wc_bench_{prefix}_{DateTime.UtcNow:HHmmss}";
        await ExecuteAsync(admin, $"drop database if exists {name} with (force)");
        await ExecuteAsync(admin, $"create database {name}");
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 64 };
        return new BenchDatabase(admin, name, NpgsqlDataSource.Create(builder.ConnectionString));
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_admin, $"drop database if exists {Name} with (force)");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
