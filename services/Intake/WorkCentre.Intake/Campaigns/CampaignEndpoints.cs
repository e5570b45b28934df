using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WorkCentre.EventStore;
using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Campaigns;

public sealed record LinkParticipantRequest(Guid? ParticipantId = null);

/// <summary>Bulk-intake campaigns and their progress; opened by the employer service's redundancy announcements.</summary>
public static class CampaignEndpoints
{
    public static RouteGroupBuilder MapCampaigns(this RouteGroupBuilder group)
    {
        group.MapGet("/", async (CampaignProgress progress, CancellationToken ct) => TypedResults.Ok(await progress.ListAsync(null, ct)))
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Manager, Roles.Admin))
            .WithName("ListCampaigns")
            .WithSummary("Lists bulk-intake campaigns, newest first, with the inquiries and participants linked against the workers expected.");
        group.MapGet("/{campaignId:guid}", GetAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Manager, Roles.Admin))
            .WithName("GetCampaign")
            .WithSummary("Reads one campaign's progress.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No campaign with this id.");
        group.MapPost("/{campaignId:guid}/participants", LinkParticipantAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("LinkParticipantToCampaign")
            .WithSummary("Links a participant (an affected worker) to the campaign; linking twice changes nothing.")
            .WithStreamCommand("campaign");
        return group;
    }

    private static async Task<Results<Ok<CampaignView>, NotFound>> GetAsync(Guid campaignId, CampaignProgress progress, CancellationToken ct) =>
        await progress.ListAsync(campaignId, ct) is [var campaign] ? TypedResults.Ok(campaign) : TypedResults.NotFound();

    private static async Task<Results<Ok<CampaignView>, NotFound, ProblemHttpResult, ValidationProblem>> LinkParticipantAsync(
        Guid campaignId, LinkParticipantRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        CampaignProgress progress, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.ParticipantId is not { } participant)
        {
            return new Validation().Add("participantId", "The participant is required.").Problem();
        }
        if (!await store.ParticipantExistsAsync(participant, ct))
        {
            return Problems.RuleViolated("campaign.participant-unknown", $"No participant {participant} is registered.");
        }
        return await (await store.HandleAsync(Campaign.Decider, campaignId, new CampaignCommand.LinkParticipant(campaignId, participant, user.ActorOf(), time.GetUtcNow()),
                ifMatch, new EventMetadata { Actor = user.ActorOf() }, ct))
            .ToResultAsync(http, async _ => (await progress.ListAsync(campaignId, ct))[0]);
    }
}
