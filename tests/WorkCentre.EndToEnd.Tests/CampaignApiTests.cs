using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using WorkCentre.Contracts.EmployerService;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class CampaignApiTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Given_a_redundancy_announced_three_times_When_intake_consumes_it_Then_one_campaign_whose_progress_counts_linked_inquiries_and_participants()
    {
        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        using var manager = services.Intake.ClientAs(Roles.Manager, "haarlem");
        var announcement = new RedundancyAnnounced(Guid.CreateVersion7(), Guid.CreateVersion7(), "Tata Steel IJmuiden", "Velsen", 300, new DateOnly(2027, 3, 1), DateTimeOffset.UtcNow);
        var bus = services.Insights.Service<IBus>();
        var messageId = Guid.CreateVersion7();

        for (var i = 0; i < 3; i++)
        {
            await bus.Publish(announcement, ctx => ctx.MessageId = messageId);
        }
        await Eventually.TrueAsync(async () => (await advisor.GetAsync($"/campaigns/{announcement.AnnouncementId}")).StatusCode == HttpStatusCode.OK, Patience,
            "intake should open the campaign");
        var inquiry = await (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry("Velsen"), Json.Options)).Content.ReadFromJsonAsync<JsonElement>();
        var linked = await advisor.PostAsJsonAsync($"/inquiries/{inquiry.GetProperty("inquiryId").GetGuid()}/campaign", new { campaignId = announcement.AnnouncementId });
        var unknown = await advisor.PostAsJsonAsync($"/inquiries/{inquiry.GetProperty("inquiryId").GetGuid()}/campaign", new { campaignId = Guid.CreateVersion7() });
        var campaigns = await manager.GetFromJsonAsync<JsonElement>("/campaigns", Json.Options);

        Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        var campaign = Assert.Single(campaigns.EnumerateArray(), c => c.GetProperty("campaignId").GetGuid() == announcement.AnnouncementId);
        Assert.Equal(300, campaign.GetProperty("expectedAffectedWorkers").GetInt32());
        Assert.Equal(1, campaign.GetProperty("inquiries").GetInt32());
        Assert.Equal(1, await services.Intake.ScalarAsync($"select count(*) from events.events where stream_id = '{announcement.AnnouncementId}' and type = 'intake.campaign_opened.v1'"));
    }
}
