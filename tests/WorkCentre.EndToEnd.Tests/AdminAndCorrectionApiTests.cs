using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Intake.Organisations;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;
using static WorkCentre.EndToEnd.Tests.Infrastructure.IntakeCalls;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>What admins change in the directory, and the corrections staff make: consent renewed or corrected, handovers re-routed, headcounts recounted.</summary>
public sealed class AdminAndCorrectionApiTests(IntakeOnAClock services) : IClassFixture<IntakeOnAClock>
{
    private static readonly Guid WwIntake = RegionSeed.InboxIdOf("uwv", "UWV – WW intake");
    private static readonly Guid ScholingsAdvies = RegionSeed.InboxIdOf("leerwerkloket", "Leerwerkloket – Scholingsadvies");

    [Fact]
    public async Task Given_a_new_partner_When_an_admin_registers_it_opens_an_inbox_changes_its_service_level_and_deactivates_it_Then_each_change_shows_and_an_advisor_may_not()
    {
        using var admin = services.Intake.ClientAs(Roles.Admin);
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var code = $"pw-{Guid.NewGuid():N}"[..12];

        var registered = await admin.PostAsJsonAsync("/organisations", new { code, name = "Pieter Werkt", type = "trainingProvider", depth = "acceptHandovers" }, Json.Options);
        var again = await admin.PostAsJsonAsync("/organisations", new { code, name = "Pieter Werkt", type = "trainingProvider", depth = "acceptHandovers" }, Json.Options);
        var id = (await ReadAsync(registered)).GetProperty("organisationId").GetGuid();
        var opened = await SendAsync(admin, $"/organisations/{id}/inboxes", new { name = "Pieter Werkt – Instroom", serviceLevelWorkingDays = 5 }, "\"1\"");
        var inbox = (await ReadAsync(opened)).GetProperty("inboxes")[0].GetProperty("inboxId").GetGuid();
        var tooLong = await PutAsync(admin, $"/organisations/{id}/inboxes/{inbox}/service-level", new { serviceLevelWorkingDays = 61 });
        var changed = await PutAsync(admin, $"/organisations/{id}/inboxes/{inbox}/service-level", new { serviceLevelWorkingDays = 3 });
        var informOnly = await PutAsync(admin, $"/organisations/{id}/depth", new { depth = "informOnly" });
        var deactivated = await SendAsync(admin, $"/organisations/{id}/deactivation", null);
        var byAdvisor = await SendAsync(advisor, $"/organisations/{id}/deactivation", null);

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("organisation.service-level", await RuleAsync(tooLong));
        Assert.Equal(3, (await ReadAsync(changed)).GetProperty("inboxes")[0].GetProperty("serviceLevelWorkingDays").GetInt32());
        Assert.Equal("organisation.inboxes-open", await RuleAsync(informOnly));
        Assert.False((await ReadAsync(deactivated)).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, byAdvisor.StatusCode);
        Assert.False((await ReadAsync(await advisor.GetAsync($"/organisations/{id}"))).GetProperty("active").GetBoolean());
        var closed = await admin.DeleteAsync($"/organisations/{id}/deactivation");
        Assert.True((await ReadAsync(closed)).GetProperty("active").GetBoolean());
        Assert.Empty((await ReadAsync(await admin.DeleteAsync($"/organisations/{id}/inboxes/{inbox}"))).GetProperty("inboxes").EnumerateArray());
    }

    [Fact]
    public async Task Given_consent_in_force_When_renewed_and_then_corrected_Then_each_replaces_the_last_and_only_the_newest_is_in_force()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var participant = await RegisterParticipantAsync(advisor);
        var first = await GiveConsentAsync(advisor, participant);

        var renewed = await SendAsync(advisor, $"/consents/{first}/renewal", new { expiresAt = services.Clock.GetUtcNow().AddYears(2) });
        var second = (await ReadAsync(renewed)).GetProperty("consentId").GetGuid();
        var corrected = await SendAsync(advisor, $"/consents/{second}/correction", new
        {
            purpose = "handover",
            recipientOrganisationId = RegionSeed.IdOf("uwv"),
            legalBasis = "consent",
            dataCategories = ContactOnly,
            collectionMethod = "verbalWithWitness",
            witness = "staff-advisor-2",
            expiresAt = services.Clock.GetUtcNow().AddYears(1),
        });
        var renewOld = await SendAsync(advisor, $"/consents/{first}/renewal", new { expiresAt = services.Clock.GetUtcNow().AddYears(2) });
        var consents = (await ReadAsync(await advisor.GetAsync($"/consents?participantId={participant}"))).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal("consent.ended", await RuleAsync(renewOld));
        Assert.Equal(3, consents.Count);
        Assert.Equal("given replaced replaced", string.Join(' ', consents.Select(c => c.GetProperty("status").GetString()).Order()));
        var inForce = Assert.Single(consents, c => c.GetProperty("status").GetString() == "given");
        Assert.Equal("contact", Assert.Single(inForce.GetProperty("dataCategories").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Given_a_declined_handover_When_the_sender_reroutes_it_to_the_learn_work_desk_Then_a_new_linked_handover_waits_there_and_the_old_one_is_rerouted()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var uwv = services.Intake.ClientAs(Roles.Partner, "uwv");
        using var leerwerkloket = services.Intake.ClientAs(Roles.Partner, "leerwerkloket");
        var participant = await RegisterParticipantAsync(advisor);
        await GiveConsentAsync(advisor, participant);
        await GiveConsentAsync(advisor, participant, RegionSeed.IdOf("leerwerkloket"));
        var old = (await ReadAsync(await advisor.PostAsJsonAsync("/handovers", new { participantId = participant, toInboxId = WwIntake, reasonCode = "training" }, Json.Options)))
            .GetProperty("handoverId").GetGuid();
        (await SendAsync(uwv, $"/handovers/{old}/decline", new { reason = "wrongOrganisation", alternativeInboxId = ScholingsAdvies })).EnsureSuccessStatusCode();

        var byUwv = await SendAsync(uwv, $"/handovers/{old}/reroute", new { toInboxId = ScholingsAdvies });
        var rerouted = await SendAsync(advisor, $"/handovers/{old}/reroute", new { toInboxId = ScholingsAdvies });

        Assert.Equal(HttpStatusCode.NotFound, byUwv.StatusCode);
        Assert.Equal(HttpStatusCode.Created, rerouted.StatusCode);
        var fresh = await ReadAsync(rerouted);
        Assert.Equal(old, fresh.GetProperty("previousHandoverId").GetGuid());
        Assert.Equal("rerouted", (await ReadAsync(await advisor.GetAsync($"/handovers/{old}"))).GetProperty("status").GetString());
        Assert.Contains(fresh.GetProperty("handoverId").GetGuid().ToString(), await leerwerkloket.GetStringAsync("/handovers/inbox?pageSize=100"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_recorded_session_When_its_headcount_is_recounted_Then_the_new_count_replaces_it()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        var recorded = await advisor.PostAsJsonAsync("/information-sessions",
            new { programme = "ZorgStart", location = "Nova College", municipality = "Haarlem", heldOn = "2026-04-20", headcount = 31 }, Json.Options);
        var id = (await ReadAsync(recorded)).GetProperty("sessionId").GetGuid();

        var recounted = await PutAsync(advisor, $"/information-sessions/{id}/headcount", new { headcount = 29 }, "\"1\"");
        var stale = await PutAsync(advisor, $"/information-sessions/{id}/headcount", new { headcount = 28 }, "\"1\"");

        Assert.Equal(29, (await ReadAsync(recounted)).GetProperty("headcount").GetInt32());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }

    private static readonly string[] ContactAndSituation = ["contact", "employmentSituation"];
    private static readonly string[] ContactOnly = ["contact"];

    private async Task<Guid> GiveConsentAsync(HttpClient advisor, Guid participant, Guid? recipient = null)
    {
        var response = await advisor.PostAsJsonAsync("/consents", new
        {
            participantId = participant,
            purpose = "handover",
            recipientOrganisationId = recipient ?? RegionSeed.IdOf("uwv"),
            legalBasis = "consent",
            dataCategories = ContactAndSituation,
            collectionMethod = "written",
            expiresAt = services.Clock.GetUtcNow().AddYears(1),
        }, Json.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("consentId").GetGuid();
    }

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string path, object body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Json.Options) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Parse(ifMatch));
        }
        return await client.SendAsync(request);
    }
}
