using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Insights;
using WorkCentre.Intake;
using WorkCentre.Intake.Calendar;
using WorkCentre.Intake.Organisations;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;
using static WorkCentre.EndToEnd.Tests.Infrastructure.IntakeCalls;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>Intake on a clock the test moves, with insights taking its events, on the real database and broker.</summary>
public sealed class IntakeOnAClock : IAsyncLifetime
{
    // Thursday 23 April 2026, 10:00 in the Netherlands: five working days on skip a weekend and King's Day (Monday 27 April).
    public static readonly DateTimeOffset Start = new DateTimeOffset(2026, 4, 23, 10, 0, 0, TimeSpan.FromHours(2)).ToUniversalTime();

    private readonly TestDatabase _intakeDatabase = new();
    private readonly TestDatabase _insightsDatabase = new();
    private readonly TestBroker _broker = new();

    public FakeTimeProvider Clock { get; } = new(Start);

    public ServiceHost<IntakeEntryPoint> Intake { get; private set; } = null!;

    public ServiceHost<InsightsEntryPoint> Insights { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_broker.InitializeAsync(), _intakeDatabase.InitializeAsync(), _insightsDatabase.InitializeAsync());
        Insights = new ServiceHost<InsightsEntryPoint>(_insightsDatabase, _broker);
        Intake = new ServiceHost<IntakeEntryPoint>(_intakeDatabase, _broker, services => services.AddSingleton<TimeProvider>(Clock));
        await Insights.WaitUntilReadyAsync();
        await Intake.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Intake.DisposeAsync();
        await Insights.DisposeAsync();
        await Task.WhenAll(_intakeDatabase.DisposeAsync(), _insightsDatabase.DisposeAsync(), _broker.DisposeAsync());
    }

    /// <summary>Moves the clock and waits until every timer then due has fired, by this call or by the running poller.</summary>
    public async Task MoveToAsync(DateTimeOffset moment)
    {
        Clock.SetUtcNow(moment.ToUniversalTime());
        await Intake.Services.GetServices<IHostedService>().OfType<TimerPoller>().Single().FireDueAsync(default);
        // The service's own poller may hold a due timer mid-fire (claimed with SKIP LOCKED), so the call above can pass it by.
        await Eventually.TrueAsync(async () => await Intake.ScalarAsync(
            $"select count(*) from messaging.timers where fired_at is null and attempts = 0 and due_at <= '{moment.ToUniversalTime():O}'") == 0,
            TimeSpan.FromSeconds(30), "the timers due by then should have fired");
    }
}

public sealed class HandoverApiTests(IntakeOnAClock services) : IClassFixture<IntakeOnAClock>
{
    private static readonly Guid WwIntake = RegionSeed.InboxIdOf("uwv", "UWV – WW intake");
    private static readonly Guid ScholingsAdvies = RegionSeed.InboxIdOf("leerwerkloket", "Leerwerkloket – Scholingsadvies");
    private static readonly Guid Uwv = RegionSeed.IdOf("uwv");

    private ServiceHost<IntakeEntryPoint> Intake => services.Intake;

    [Fact]
    public async Task Given_a_front_desk_inquiry_and_an_intake_When_the_advisor_hands_the_participant_to_uwv_with_consent_Then_uwv_accepts_and_confirms_first_contact()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        using var leerwerkloket = Intake.ClientAs(Roles.Partner, "leerwerkloket");

        var inquiry = (await ReadAsync(await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry("Haarlem"), Json.Options))).GetProperty("inquiryId").GetGuid();
        var participant = await RegisterParticipantAsync(advisor);
        Assert.Equal("turnedIntoIntake", (await ReadAsync(await SendAsync(advisor, $"/inquiries/{inquiry}/intake", new { participantId = participant })))
            .GetProperty("status").GetString());
        await GiveConsentAsync(advisor, participant, Uwv);
        var intake = await advisor.PostAsJsonAsync("/intakes", new
        {
            participantId = participant,
            employment = new { status = "employedAtRisk", basis = "dismissalAnnounced", since = DutchTime.Today(services.Clock.GetUtcNow()) },
            benefit = new { type = "none" },
            educationLevel = "mbo2",
            basicQualification = true,
            dutchLevel = "b2",
            distanceToLabourMarket = 2,
            willingToBePlaced = true,
            municipality = "Haarlem",
            responsibleOrganisationId = Uwv,
        }, Json.Options);
        Assert.Equal(HttpStatusCode.Created, intake.StatusCode);
        var requested = await advisor.PostAsJsonAsync("/handovers", Handover(participant, WwIntake), Json.Options);
        Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
        var handover = await ReadAsync(requested);
        var id = handover.GetProperty("handoverId").GetGuid();

        var inbox = await ReadAsync(await uwv.GetAsync("/handovers/inbox"));
        var listed = Assert.Single(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("handoverId").GetGuid() == id);
        Assert.Equal("requested", listed.GetProperty("status").GetString());
        Assert.DoesNotContain(id.ToString(), (await ReadAsync(await leerwerkloket.GetAsync("/handovers/inbox"))).ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await leerwerkloket.GetAsync($"/handovers/{id}")).StatusCode);
        var today = DutchTime.Today(services.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(leerwerkloket, $"/handovers/{id}/acceptance", new { plannedFirstContact = today }, "\"1\"")).StatusCode);

        var accepted = await SendAsync(uwv, $"/handovers/{id}/acceptance", new { plannedFirstContact = today }, $"\"{listed.GetProperty("version").GetInt64()}\"");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var confirmed = await SendAsync(uwv, $"/handovers/{id}/first-contact", new { contactedOn = today }, accepted.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("firstContactConfirmed", (await ReadAsync(confirmed)).GetProperty("status").GetString());
        Assert.Equal("firstContactConfirmed", (await ReadAsync(await advisor.GetAsync($"/handovers/{id}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Given_a_manager_When_reading_inboxes_or_handovers_Then_403()
    {
        using var manager = Intake.ClientAs(Roles.Manager, "haarlem");

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/handovers/inbox")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/handovers/{Guid.CreateVersion7()}")).StatusCode);
    }

    [Fact]
    public async Task Given_no_consent_for_the_recipient_When_handing_over_Then_422_naming_the_rule_and_nothing_written()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var participant = await RegisterParticipantAsync(advisor);
        // Consent for the learn-work desk does not cover UWV.
        await GiveConsentAsync(advisor, participant, RegionSeed.IdOf("leerwerkloket"));
        var before = await HandoversAsync();

        var response = await advisor.PostAsJsonAsync("/handovers", Handover(participant, WwIntake), Json.Options);

        Assert.Equal("handover.consent-required", await RuleAsync(response));
        Assert.Equal(before, await HandoversAsync());
    }

    [Fact]
    public async Task Given_consent_that_was_withdrawn_When_handing_over_Then_422_and_nothing_written()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var participant = await RegisterParticipantAsync(advisor);
        var consent = await GiveConsentAsync(advisor, participant, Uwv);
        (await advisor.PostAsync($"/consents/{consent}/withdrawal", null)).EnsureSuccessStatusCode();
        var before = await HandoversAsync();

        var response = await advisor.PostAsJsonAsync("/handovers", Handover(participant, WwIntake), Json.Options);

        Assert.Equal("handover.consent-required", await RuleAsync(response));
        Assert.Equal(before, await HandoversAsync());
    }

    [Fact]
    public async Task Given_consent_without_health_When_the_summary_holds_a_health_line_Then_422_and_nothing_written()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var participant = await RegisterParticipantAsync(advisor);
        await GiveConsentAsync(advisor, participant, Uwv);
        var before = await HandoversAsync();

        var response = await advisor.PostAsJsonAsync("/handovers", Handover(participant, WwIntake, health: "In treatment for burn-out."), Json.Options);

        Assert.Equal("handover.summary-beyond-consent", await RuleAsync(response));
        Assert.Equal(before, await HandoversAsync());
    }

    [Fact]
    public async Task Given_a_requested_handover_When_uwv_declines_without_an_alternative_Then_422_and_with_one_it_is_declined()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var id = await RequestHandoverAsync(advisor);

        Assert.Equal("handover.decline-needs-alternative", await RuleAsync(await SendAsync(uwv, $"/handovers/{id}/decline", new { reason = "wrongOrganisation" })));
        var declined = await SendAsync(uwv, $"/handovers/{id}/decline", new { reason = "wrongOrganisation", alternativeInboxId = ScholingsAdvies });

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Equal(ScholingsAdvies, (await ReadAsync(declined)).GetProperty("alternativeInboxId").GetGuid());
    }

    [Fact]
    public async Task Given_a_stale_if_match_When_accepting_Then_412_and_nothing_written()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var id = await RequestHandoverAsync(advisor);
        (await SendAsync(advisor, $"/handovers/{id}/withdrawal", null, "\"1\"")).EnsureSuccessStatusCode();

        var stale = await SendAsync(uwv, $"/handovers/{id}/acceptance", new { plannedFirstContact = DutchTime.Today(services.Clock.GetUtcNow()).AddDays(7) }, "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("withdrawn", (await ReadAsync(await advisor.GetAsync($"/handovers/{id}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Given_two_handovers_on_the_thursday_before_kings_day_When_one_is_accepted_on_working_day_four_Then_only_the_other_stalls_once_after_five()
    {
        await services.MoveToAsync(IntakeOnAClock.Start);
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var answered = await RequestHandoverAsync(advisor);
        var unanswered = await RequestHandoverAsync(advisor);

        // Working day 4 is Thursday 30 April: Friday 24, King's Day and the weekend skipped, Tuesday 28, Wednesday 29, Thursday 30.
        await services.MoveToAsync(new DateTimeOffset(2026, 4, 30, 16, 0, 0, TimeSpan.FromHours(2)));
        (await SendAsync(uwv, $"/handovers/{answered}/acceptance", new { plannedFirstContact = "2026-05-04" })).EnsureSuccessStatusCode();
        Assert.Null(await StalledAtAsync(advisor, unanswered));

        // Due at the same hour five working days on: Friday 1 May, 10:00.
        await services.MoveToAsync(new DateTimeOffset(2026, 5, 1, 9, 59, 0, TimeSpan.FromHours(2)));
        Assert.Null(await StalledAtAsync(advisor, unanswered));
        await services.MoveToAsync(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(2)));
        await services.MoveToAsync(new DateTimeOffset(2026, 5, 1, 11, 0, 0, TimeSpan.FromHours(2)));

        Assert.NotNull(await StalledAtAsync(advisor, unanswered));
        Assert.Null(await StalledAtAsync(advisor, answered));
        Assert.Equal(1, await Intake.ScalarAsync($"select count(*) from events.events where stream_id = '{unanswered}' and type = 'intake.handover_stalled.v1'"));
        // Stalled ones first; other tests' unanswered handovers of the same day stall too.
        var sent = (await ReadAsync(await advisor.GetAsync("/handovers/sent?pageSize=100"))).GetProperty("items").EnumerateArray().ToList();
        var stalled = sent.TakeWhile(h => h.GetProperty("stalledAt").ValueKind == JsonValueKind.String).ToList();
        Assert.Contains(stalled, h => h.GetProperty("handoverId").GetGuid() == unanswered);
        Assert.DoesNotContain(sent.Skip(stalled.Count), h => h.GetProperty("stalledAt").ValueKind == JsonValueKind.String);
        var inbox = (await ReadAsync(await uwv.GetAsync($"/handovers/inbox?inboxId={WwIntake}"))).GetProperty("items");
        Assert.True(inbox[0].GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task Given_an_accepted_handover_When_the_participant_is_erased_Then_its_note_and_summary_read_as_erased_nowhere_in_clear_and_counts_stay()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var id = await RequestHandoverAsync(advisor);
        (await SendAsync(uwv, $"/handovers/{id}/acceptance", new { plannedFirstContact = DutchTime.Today(services.Clock.GetUtcNow()) })).EnsureSuccessStatusCode();
        var summary = await ReadAsync(await uwv.GetAsync($"/handovers/{id}/summary?purpose=first%20contact"));
        Assert.Equal("Prefers a call in the morning.", summary.GetProperty("summary").GetProperty("contact").GetString());
        var participant = summary.GetProperty("participantId").GetGuid();
        await Eventually.TrueAsync(async () => await services.Insights.ScalarAsync($"select count(*) from insights.handover_flow where handover_id = '{id}' and accepted_at is not null") == 1,
            TimeSpan.FromSeconds(60), "insights should count the accepted handover");
        var counted = await services.Insights.ScalarAsync("select count(*) from insights.handover_flow where accepted_at is not null");

        (await advisor.PostAsJsonAsync($"/participants/{participant}/erasure", new { reason = "subjectRequest" }, Json.Options)).EnsureSuccessStatusCode();

        var erased = await ReadAsync(await advisor.GetAsync($"/handovers/{id}/summary?purpose=erasure%20check"));
        Assert.Equal(JsonValueKind.Null, erased.GetProperty("note").ValueKind);
        Assert.Equal(JsonValueKind.Null, erased.GetProperty("summary").ValueKind);
        Assert.Equal("accepted", (await ReadAsync(await uwv.GetAsync($"/handovers/{id}"))).GetProperty("status").GetString());
        string[] written = ["Dismissed after a reorganisation", "Prefers a call in the morning", "Dismissal announced, last day 31 May"];
        Assert.Empty(await Cleartext.FindAsync(Intake.DataSource, written));
        Assert.Empty(await Cleartext.FindAsync(services.Insights.DataSource, written));
        Assert.Equal(counted, await services.Insights.ScalarAsync("select count(*) from insights.handover_flow where accepted_at is not null"));
    }

    [Fact]
    public async Task Given_an_unaccepted_handover_When_the_partner_reads_its_summary_Then_403_and_without_a_purpose_400()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var id = await RequestHandoverAsync(advisor);

        Assert.Equal(HttpStatusCode.Forbidden, (await uwv.GetAsync($"/handovers/{id}/summary?purpose=triage")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await uwv.GetAsync($"/handovers/{id}/summary")).StatusCode);
    }

    private async Task<Guid> RequestHandoverAsync(HttpClient advisor)
    {
        var participant = await RegisterParticipantAsync(advisor);
        await GiveConsentAsync(advisor, participant, Uwv);
        var response = await advisor.PostAsJsonAsync("/handovers", Handover(participant, WwIntake), Json.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("handoverId").GetGuid();
    }

    private static async Task<string?> StalledAtAsync(HttpClient client, Guid handover) =>
        (await ReadAsync(await client.GetAsync($"/handovers/{handover}"))).GetProperty("stalledAt") is { ValueKind: JsonValueKind.String } at ? at.GetString() : null;

    private static object Handover(Guid participant, Guid inbox, string? health = null) => new
    {
        participantId = participant,
        toInboxId = inbox,
        reasonCode = "benefit",
        note = "Dismissed after a reorganisation; wants to apply for WW this week.",
        summary = health is null
            ? new Dictionary<string, string> { ["contact"] = "Prefers a call in the morning.", ["employmentSituation"] = "Dismissal announced, last day 31 May." }
            : new Dictionary<string, string> { ["contact"] = "Prefers a call in the morning.", ["health"] = health },
    };

    private static readonly string[] ConsentedCategories = ["contact", "employmentSituation"];

    private async Task<Guid> GiveConsentAsync(HttpClient advisor, Guid participant, Guid recipient)
    {
        var response = await advisor.PostAsJsonAsync("/consents", new
        {
            participantId = participant,
            purpose = "handover",
            recipientOrganisationId = recipient,
            legalBasis = "consent",
            dataCategories = ConsentedCategories,
            collectionMethod = "written",
            expiresAt = services.Clock.GetUtcNow().AddYears(1),
        }, Json.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("consentId").GetGuid();
    }

    private Task<long> HandoversAsync() => Intake.ScalarAsync("select count(*) from events.streams where type = 'intake.handover'");
}
