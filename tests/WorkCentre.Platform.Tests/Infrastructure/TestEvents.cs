using WorkCentre.EventStore;
using WorkCentre.Testing;

namespace WorkCentre.Platform.Tests.Infrastructure;

public sealed record InquiryRegistered(Guid InquiryId, string Channel, string Domain, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InquiryAnswered(Guid InquiryId, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InquiryForwarded(Guid InquiryId, string ToPartner, DateTimeOffset OccurredAt) : IOccurredAt;

public static class TestStores
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 16, 9, 0, 0, TimeSpan.FromHours(1));

    public static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Map<InquiryRegistered>("test.inquiry_registered.v1")
        .Map<InquiryAnswered>("test.inquiry_answered.v1")
        .Map<InquiryForwarded>("test.inquiry_forwarded.v1");

    public static async Task<WorkCentre.EventStore.EventStore> CreateAsync(
        TestDatabase db, string? schema = null, Func<EventStoreOptions, EventStoreOptions>? configure = null)
    {
        var options = new EventStoreOptions { DataSource = db.DataSource, Schema = schema ?? TestDatabase.UniqueSchema(), Types = Registry() };
        var store = new WorkCentre.EventStore.EventStore(configure?.Invoke(options) ?? options);
        await store.ApplySchemaAsync();
        return store;
    }

    public static InquiryRegistered Registered(Guid id, string channel = "walk-in") => new(id, channel, "working", Monday);
}
