using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Privacy;
using WorkCentre.Testing;
using Store = WorkCentre.EventStore.EventStore;

namespace WorkCentre.Platform.Tests.Privacy;

public sealed record PrivacyStore(Store Store, PersonalDataProtector Protector, string KeySchema)
{
    public SubjectKeyStore Keys => Protector.Keys;

    public string Schema => Store.Options.Schema;

    public async Task AppendAsync(Guid streamId, params object[] events)
    {
        await using var session = Store.OpenSession();
        session.AppendAny("participant", streamId, events);
        await session.SaveChangesAsync();
    }

    public async Task<object> SingleAsync(Guid streamId) => Assert.Single(await Store.ReadStreamAsync(streamId)).Data;
}

public static class PrivacyStores
{
    public static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Map<ParticipantRegistered>("test.participant_registered.v1")
        .Map<ContactDetailsChanged>("test.contact_details_changed.v1")
        .Map<HouseholdRegistered>("test.household_registered.v1")
        .Map<NoteTaken>("test.note_taken.v1")
        .Map<BirthDateRecorded>("test.birth_date_recorded.v1")
        .Map<PhoneRecorded>("test.phone_recorded.v1");

    public static async Task<PrivacyStore> CreateAsync(TestDatabase db)
    {
        var privacy = new PrivacyOptions { MasterKey = PrivacyOptions.DevelopmentMasterKey, Schema = TestDatabase.UniqueSchema("pk") };
        var protector = new PersonalDataProtector(db.DataSource, privacy);
        await protector.Keys.ApplySchemaAsync();
        var store = new Store(new EventStoreOptions
        {
            DataSource = db.DataSource,
            Schema = TestDatabase.UniqueSchema(),
            Types = Registry(),
            Protector = protector,
        });
        await store.ApplySchemaAsync();
        return new PrivacyStore(store, protector, privacy.Schema);
    }

    public static ParticipantRegistered Jansen(Guid id) => new(id, "Marieke Jansen", "123456782", new DateOnly(1987, 3, 14), "Zwolle");

    public static ParticipantRegistered DeVries(Guid id) => new(id, "Pieter de Vries", "987654329", new DateOnly(1975, 11, 2), "Deventer");

    public static async Task<List<string>> QueryStringsAsync(this TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}

/// <summary>A read model of participants' names, kept by the daemon; it must survive erased values.</summary>
public sealed class ParticipantNamesProjection(string schema) : IProjection
{
    public string Name => "participant_names";

    public async Task CreateAsync(NpgsqlDataSource dataSource)
    {
        await using var cmd = dataSource.CreateCommand(
            $"create table {schema}.participant_names (participant_id uuid primary key, name text not null, date_of_birth date)");
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var registered in events.Select(e => e.Data).OfType<ParticipantRegistered>())
        {
            await using var cmd = new NpgsqlCommand(
                $"insert into {schema}.participant_names values ($1, $2, $3) " +
                "on conflict (participant_id) do update set name = excluded.name, date_of_birth = excluded.date_of_birth",
                connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = registered.ParticipantId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = registered.Name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)registered.DateOfBirth ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"truncate {schema}.participant_names", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<(string Name, DateOnly? DateOfBirth)?> FindAsync(NpgsqlDataSource dataSource, Guid participantId)
    {
        await using var cmd = dataSource.CreateCommand($"select name, date_of_birth from {schema}.participant_names where participant_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = participantId });
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1))
            : null;
    }
}
