using WorkCentre.Intake.Campaigns;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Campaigns.CampaignCommand;

namespace WorkCentre.Intake.Tests.Campaigns;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class CampaignDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly Open Tata = new(Id, Guid.CreateVersion7(), "Tata Steel IJmuiden", "Velsen", 300, new DateOnly(2027, 3, 1), Now);

    private static IReadOnlyList<object> When(CampaignCommand command, params object[] given) =>
        Campaign.Decide(command, given.Aggregate(Campaign.Initial, Campaign.Evolve));

    [Fact]
    public void Given_an_announcement_When_it_arrives_twice_Then_one_campaign_is_opened()
    {
        var opened = Assert.IsType<CampaignOpened>(Assert.Single(When(Tata)));

        Assert.Empty(When(Tata, opened));
    }

    [Fact]
    public void Given_a_campaign_When_the_same_participant_is_linked_twice_Then_once()
    {
        var participant = Guid.CreateVersion7();
        var opened = When(Tata)[0];
        var linked = Assert.Single(When(new LinkParticipant(Id, participant, "advisor-1", Now), opened));

        Assert.Empty(When(new LinkParticipant(Id, participant, "advisor-1", Now), opened, linked));
    }

    [Fact]
    public void Given_no_campaign_When_linking_Then_refused_as_unknown() =>
        Assert.Equal("campaign.unknown", Assert.Throws<DomainRuleViolationException>(() => When(new LinkParticipant(Id, Guid.CreateVersion7(), "a", Now))).Rule);

    [Fact]
    public void Given_an_announcement_with_a_negative_count_When_it_arrives_Then_refused() =>
        Assert.Equal("campaign.expected-workers", Assert.Throws<DomainRuleViolationException>(() => When(Tata with { ExpectedAffectedWorkers = -1 })).Rule);
}
