using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MassTransit;
using WorkCentre.Contracts.Intake;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class InquiryFlowTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Given_an_inquiry_posted_to_intake_When_insights_consumes_it_Then_the_summary_counts_it()
    {
        var before = await services.SummaryAsync();
        using var advisor = services.Intake.ClientAs(Roles.Advisor);

        var response = await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(channel: InquiryChannel.Outreach, domain: QuestionDomain.Learning), Json.Options);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await Eventually.TrueAsync(async () => (await services.SummaryAsync()).Total == before.Total + 1, Patience, "insights should count the inquiry");
        var cell = (await services.SummaryAsync()).Cells.Single(c => c is { Channel: InquiryChannel.Outreach, Domain: QuestionDomain.Learning });
        Assert.True(cell.Inquiries >= 1);
    }

    [Fact]
    public async Task Given_the_same_integration_event_delivered_three_times_When_consumed_Then_the_summary_changes_once()
    {
        var before = await services.SummaryAsync();
        var bus = services.Insights.Service<IBus>();
        var observer = new ConsumedMessages();
        using var _ = bus.ConnectConsumeObserver(observer);
        var messageId = Guid.CreateVersion7();
        var message = new InquiryRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, InquiryChannel.Phone, RequesterType.Employer, QuestionDomain.Career, "Weesp", "UWV desk");

        for (var i = 0; i < 3; i++)
        {
            await bus.Publish(message, ctx => ctx.MessageId = messageId);
        }
        await Eventually.TrueAsync(() => Task.FromResult(observer.Count(messageId) == 3), Patience, "all three deliveries should be consumed");

        Assert.Equal(before.Total + 1, (await services.SummaryAsync()).Total);
    }

    [Fact]
    public async Task Given_a_traced_request_to_intake_When_insights_consumes_its_event_Then_the_consumer_runs_in_the_same_trace()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or "Microsoft.AspNetCore" || source.Name.StartsWith("WorkCentre", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/inquiries") { Content = JsonContent.Create(IntakeAndInsights.Inquiry(), options: Json.Options) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await advisor.SendAsync(request);
        response.EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => Task.FromResult(activities.Any(a => a.TraceId == traceId && a.Kind == ActivityKind.Consumer)), Patience,
            "the insights consumer should run under the request's trace");
        Assert.Contains(activities, a => a.TraceId == traceId && a.Kind == ActivityKind.Server);
    }

    private sealed class ConsumedMessages : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> _counts = new();

        public int Count(Guid messageId) => _counts.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.MessageId is { } id)
            {
                _counts.AddOrUpdate(id, 1, (_, n) => n + 1);
            }
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

public sealed class SmallCellTests(IntakeAndInsightsWithSmallCells services) : IClassFixture<IntakeAndInsightsWithSmallCells>
{
    [Fact]
    public async Task Given_fewer_than_five_inquiries_in_a_cell_When_a_manager_reads_the_summary_Then_the_cell_is_suppressed_until_it_reaches_five()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        for (var i = 0; i < 4; i++)
        {
            (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(channel: InquiryChannel.PartnerReferral, domain: QuestionDomain.Career), Json.Options)).EnsureSuccessStatusCode();
        }
        await Eventually.TrueAsync(async () => (await services.SummaryAsync()).Total == 4, TimeSpan.FromSeconds(60), "four inquiries should arrive");
        var suppressed = (await services.SummaryAsync()).Cells.Single();
        Assert.Equal((null, true), (suppressed.Inquiries, suppressed.Suppressed));

        (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(channel: InquiryChannel.PartnerReferral, domain: QuestionDomain.Career), Json.Options)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await services.SummaryAsync()).Total == 5, TimeSpan.FromSeconds(60), "the fifth inquiry should arrive");

        var shown = (await services.SummaryAsync()).Cells.Single();
        Assert.Equal((5L, false), (shown.Inquiries!.Value, shown.Suppressed));
    }
}
