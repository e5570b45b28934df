using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Intake;
using WorkCentre.Intake.Calendar;
using WorkCentre.Intake.Organisations;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;
using static WorkCentre.EndToEnd.Tests.Infrastructure.IntakeCalls;

namespace WorkCentre.EndToEnd.Tests;

public sealed class IntakeAssessmentApiTests(IntakeOnAClock services) : IClassFixture<IntakeOnAClock>
{
    private const string WwRule = "ww-under-6-months/2024-1";

    private ServiceHost<IntakeEntryPoint> Intake => services.Intake;

    private DateOnly Today => DutchTime.Today(services.Clock.GetUtcNow());

    [Fact]
    public async Task Given_a_participant_When_the_advisor_completes_an_intake_uwv_reports_ww_and_eligibility_is_decided_Then_each_step_is_recorded_and_published()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var participant = await RegisterParticipantAsync(advisor);

        var completed = await advisor.PostAsJsonAsync("/intakes", IntakeOf(participant, benefit: new { type = "none" }), Json.Options);
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);
        var id = (await ReadAsync(completed)).GetProperty("intakeId").GetGuid();
        Assert.Equal($"/intakes/{id}", completed.Headers.Location!.OriginalString);

        // Back-dated: WW started a month ago, reported by UWV staff today.
        var reported = await SendAsync(uwv, $"/intakes/{id}/benefit-changes", new { change = "wwStarted", effectiveOn = Today.AddMonths(-1) }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        Assert.Equal("ww", (await ReadAsync(reported)).GetProperty("currentBenefit").GetString());
        Assert.DoesNotContain("health", await reported.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var decided = await SendAsync(advisor, $"/intakes/{id}/eligibility-decisions",
            new { programmeRoute = "rmt-job-to-job", ruleVersion = WwRule, referenceDate = Today, outcome = "eligible" }, reported.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("\"3\"", decided.Headers.ETag!.Tag);

        var read = await advisor.GetAsync($"/intakes/{id}?purpose=Plan the job-to-job route");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var intake = await ReadAsync(read);
        Assert.Equal("eligible", intake.GetProperty("eligibilityDecisions")[0].GetProperty("outcome").GetString());
        Assert.True(intake.GetProperty("health").GetProperty("mentalHealthVulnerability").GetBoolean());
        Assert.Equal(2026, intake.GetProperty("focus").GetProperty("year").GetInt32());
        var reads = await ReadAsync(await Intake.ClientAs(Roles.Admin).GetAsync($"/participants/{participant}/reads"));
        Assert.Contains("Plan the job-to-job route", reads.ToString(), StringComparison.Ordinal);

        // Insights takes all three contracts: the forwarder holds at a contract no queue takes, so this also proves none is left unconsumed.
        await Eventually.TrueAsync(async () => await services.Insights.ScalarAsync($"select count(*) from events.events where stream_id = '{id}'") == 3,
            TimeSpan.FromSeconds(30), "insights receives IntakeCompleted, BenefitChanged and EligibilityDecided");
    }

    [Fact]
    public async Task Given_an_unknown_benefit_type_When_completing_an_intake_Then_400_naming_the_field()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var participant = await RegisterParticipantAsync(advisor);

        var response = await advisor.PostAsJsonAsync("/intakes", IntakeOf(participant, benefit: new { type = "pension" }), Json.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("benefit", (await ReadAsync(response)).GetProperty("errors").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_participant_who_was_never_registered_When_completing_an_intake_Then_422_naming_the_rule()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);

        Assert.Equal("intake.participant-unknown", await RuleAsync(await advisor.PostAsJsonAsync("/intakes", IntakeOf(Guid.CreateVersion7()), Json.Options)));
    }

    [Fact]
    public async Task Given_ww_for_eight_months_When_refusing_without_an_alternative_route_Then_422_and_nothing_written()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var id = await CompleteIntakeAsync(advisor, wwSince: Today.AddMonths(-8));
        var before = await EventsOfAsync(id);

        var response = await SendAsync(advisor, $"/intakes/{id}/eligibility-decisions",
            new { programmeRoute = "rmt-job-to-job", ruleVersion = WwRule, referenceDate = Today, outcome = "notEligible" });

        Assert.Equal("eligibility.refusal-needs-route", await RuleAsync(response));
        Assert.Equal(before, await EventsOfAsync(id));
        var refused = await SendAsync(advisor, $"/intakes/{id}/eligibility-decisions",
            new { programmeRoute = "rmt-job-to-job", ruleVersion = WwRule, referenceDate = Today, outcome = "notEligible", alternativeRoute = "leerwerkloket-scholing" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task Given_a_stale_if_match_When_reporting_a_benefit_change_Then_412_and_nothing_written()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var id = await CompleteIntakeAsync(advisor, wwSince: Today.AddMonths(-2));
        (await SendAsync(advisor, $"/intakes/{id}/benefit-changes", new { change = "wwEnded", effectiveOn = Today }, "\"1\"")).EnsureSuccessStatusCode();

        var stale = await SendAsync(advisor, $"/intakes/{id}/benefit-changes", new { change = "bijstandStarted", effectiveOn = Today }, "\"1\"");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(2, await EventsOfAsync(id));
    }

    [Fact]
    public async Task Given_a_benefit_change_dated_tomorrow_When_reported_Then_422_naming_the_rule()
    {
        using var uwv = Intake.ClientAs(Roles.Partner, "uwv");
        var id = await CompleteIntakeAsync(Intake.ClientAs(Roles.Advisor), wwSince: Today.AddMonths(-2));

        Assert.Equal("intake.benefit-change-in-future",
            await RuleAsync(await SendAsync(uwv, $"/intakes/{id}/benefit-changes", new { change = "wwEnded", effectiveOn = Today.AddDays(1) })));
    }

    [Fact]
    public async Task Given_staff_of_another_partner_When_reporting_a_benefit_change_Then_404()
    {
        using var leerwerkloket = Intake.ClientAs(Roles.Partner, "leerwerkloket");
        var id = await CompleteIntakeAsync(Intake.ClientAs(Roles.Advisor), wwSince: Today.AddMonths(-2));

        Assert.Equal(HttpStatusCode.NotFound,
            (await SendAsync(leerwerkloket, $"/intakes/{id}/benefit-changes", new { change = "wwEnded", effectiveOn = Today })).StatusCode);
    }

    [Fact]
    public async Task Given_an_intake_When_read_without_a_purpose_Then_400_and_unknown_is_404()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var id = await CompleteIntakeAsync(advisor, wwSince: Today.AddMonths(-2));

        Assert.Equal(HttpStatusCode.BadRequest, (await advisor.GetAsync($"/intakes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await advisor.GetAsync($"/intakes/{Guid.CreateVersion7()}?purpose=Check")).StatusCode);
    }

    [Fact]
    public async Task Given_a_manager_When_reading_an_intake_Then_403()
    {
        using var manager = Intake.ClientAs(Roles.Manager, "haarlem");
        var id = await CompleteIntakeAsync(Intake.ClientAs(Roles.Advisor), wwSince: Today.AddMonths(-2));

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/intakes/{id}?purpose=Report")).StatusCode);
    }

    [Fact]
    public async Task Given_a_completed_intake_with_health_facts_When_its_stored_event_is_read_Then_they_are_not_in_clear()
    {
        using var advisor = Intake.ClientAs(Roles.Advisor);
        var id = await CompleteIntakeAsync(advisor, wwSince: Today.AddMonths(-2));

        await using var command = Intake.DataSource.CreateCommand(
            $"select data::text from events.events where stream_id = '{id}' and type = 'intake.intake_completed.v1'");
        var data = (string)(await command.ExecuteScalarAsync())!;

        Assert.DoesNotContain("burn-out", data, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Schalkwijk", data, StringComparison.Ordinal);
        var health = JsonDocument.Parse(data).RootElement.EnumerateObject().Single(p => p.Name.Equals("health", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal(JsonValueKind.String, health.ValueKind);
        // The clear target groups hold everything but the mental-health one.
        var groups = JsonDocument.Parse(data).RootElement.EnumerateObject().Single(p => p.Name.Equals("targetGroups", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.DoesNotContain("mental", groups.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<Guid> CompleteIntakeAsync(HttpClient advisor, DateOnly wwSince)
    {
        var participant = await RegisterParticipantAsync(advisor);
        var response = await advisor.PostAsJsonAsync("/intakes", IntakeOf(participant, benefit: new { type = "ww", since = wwSince }), Json.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("intakeId").GetGuid();
    }

    private object IntakeOf(Guid participant, object? benefit = null) => new
    {
        participantId = participant,
        employment = new { status = "recentlyDismissed", since = Today.AddMonths(-1) },
        benefit = benefit ?? new { type = "none" },
        educationLevel = "mbo2",
        basicQualification = true,
        dutchLevel = "b1",
        targetGroups = new object[]
        {
            new { group = "fiftyPlus", establishedBy = "selfDeclared" },
            new { group = "mentalHealthVulnerability", establishedBy = "documented" },
        },
        needs = new[] { "training" },
        barriers = new[] { "transport" },
        preferredSectors = new[] { "logistics" },
        healthBarriers = new[] { "burn-out" },
        distanceToLabourMarket = 2,
        willingToBePlaced = true,
        municipality = "Haarlem",
        neighbourhood = "Schalkwijk",
        responsibleOrganisationId = RegionSeed.IdOf("uwv"),
    };

    private Task<long> EventsOfAsync(Guid intake) => Intake.ScalarAsync($"select count(*) from events.events where stream_id = '{intake}'");
}
