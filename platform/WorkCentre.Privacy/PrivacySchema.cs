using Npgsql;

namespace WorkCentre.Privacy;

/// <summary>Creates the privacy schema's tables; the subject keys and the read audit share it.</summary>
internal static class PrivacySchema
{
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string ddl, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Concurrent "create if not exists" on the same catalog rows can still collide; serialize start-ups.
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('workcentre.privacy.schema'))", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using (var create = new NpgsqlCommand(ddl, connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
