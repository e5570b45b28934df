using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using WorkCentre.EventStore;

namespace WorkCentre.Privacy;

/// <summary>
/// Encrypts [PersonalData] inside event payloads per data subject (see <see cref="SubjectKeyStore"/>).
/// Plug in with <c>new EventStoreOptions { ..., Protector = new PersonalDataProtector(dataSource, privacyOptions) }</c>.
/// </summary>
public sealed class PersonalDataProtector : IEventPayloadProtector
{
    private JsonSerializerOptions? _json;

    /// <param name="dataSource">Only needed to apply the schema and shred on its own connection.</param>
    public PersonalDataProtector(NpgsqlDataSource? dataSource, PrivacyOptions options) =>
        Keys = new SubjectKeyStore(dataSource, options);

    public SubjectKeyStore Keys { get; }

    public void Configure(JsonSerializerOptions options)
    {
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(PersonalDataContract.Modify);
        // The dry run in BeginWriteAsync only needs the contract, which is the same for every store configured here.
        _json ??= options;
    }

    // Not async: the scope must be entered in the caller's execution context (see ProtectionScope).
    public ValueTask<IDisposable?> BeginWriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<object> events, CancellationToken ct)
    {
        var json = _json ?? throw new InvalidOperationException("PersonalDataProtector.Configure was not called.");
        var scope = ProtectionScope.Enter(ScopeMode.Collect);
        try
        {
            // A dry run through the real contract finds the subjects that need keys, and fails on personal
            // data without a subject before anything reaches the database.
            foreach (var e in events)
            {
                JsonSerializer.Serialize(Stream.Null, e, e.GetType(), json);
            }
        }
        catch
        {
            scope.Dispose();
            throw;
        }
        if (scope.Collected.Count == 0)
        {
            scope.Mode = ScopeMode.Write;
            return ValueTask.FromResult<IDisposable?>(scope);
        }
        return LoadAsync<IDisposable>(scope, ScopeMode.Write, () => Keys.GetOrCreateAsync(connection, transaction, scope.Collected, ct));
    }

    public ValueTask<IPayloadReadScope?> BeginReadAsync(NpgsqlConnection connection, IReadOnlyList<string> payloads, CancellationToken ct)
    {
        var scope = ProtectionScope.Enter(ScopeMode.Read);
        var subjectIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var payload in payloads)
        {
            PersonalDataToken.CollectSubjects(payload, subjectIds);
        }
        // No cache: a shred committed by another process shows on the very next read.
        return subjectIds.Count == 0
            ? ValueTask.FromResult<IPayloadReadScope?>(scope)
            : LoadAsync<IPayloadReadScope>(scope, ScopeMode.Read, () => Keys.LoadAsync(connection, subjectIds, ct));
    }

    private static async ValueTask<T?> LoadAsync<T>(ProtectionScope scope, ScopeMode mode, Func<Task<Dictionary<string, byte[]?>>> load)
        where T : class, IDisposable
    {
        try
        {
            scope.Keys = await load();
            scope.Mode = mode;
            return (T)(object)scope;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }
}
