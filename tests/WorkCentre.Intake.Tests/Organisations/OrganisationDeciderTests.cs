using WorkCentre.Intake.Organisations;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Organisations.OrganisationCommand;

namespace WorkCentre.Intake.Tests.Organisations;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class OrganisationDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Uwv = Guid.CreateVersion7();
    private static readonly Guid WwIntake = Guid.CreateVersion7();

    private static OrganisationRegistered UwvRegistered(ParticipationDepth depth = ParticipationDepth.AcceptHandovers) =>
        new(Uwv, "uwv", "UWV", OrganisationType.Uwv, depth, [], Now);

    private static IReadOnlyList<object> When(OrganisationCommand command, params object[] given) =>
        Organisation.Decide(command, given.Aggregate(Organisation.Initial, Organisation.Evolve));

    private static string Refused(OrganisationCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => When(command, given)).Rule;

    [Fact]
    public void Given_nothing_When_registering_an_organisation_Then_it_is_registered_active_without_inboxes()
    {
        var events = When(new Register(Uwv, "uwv", "UWV", OrganisationType.Uwv, ParticipationDepth.AcceptHandovers, [], Now));

        var registered = Assert.IsType<OrganisationRegistered>(Assert.Single(events));
        var state = Assert.IsType<Organisation.Known>(Organisation.Evolve(Organisation.Initial, registered));
        Assert.True(state.Active);
        Assert.False(state.IsPartnership);
        Assert.Empty(state.Inboxes);
    }

    [Fact]
    public void Given_a_registered_organisation_When_registering_it_again_Then_refused() =>
        Assert.Equal("organisation.already-registered", Refused(new Register(Uwv, "uwv", "UWV", OrganisationType.Uwv, ParticipationDepth.CoDeliver, [], Now), UwvRegistered()));

    [Fact]
    public void Given_nothing_When_opening_an_inbox_Then_refused_as_unknown() =>
        Assert.Equal("organisation.unknown", Refused(new OpenInbox(Uwv, WwIntake, "UWV – WW intake", 5, Now)));

    [Fact]
    public void Given_two_legal_entities_When_registering_their_partnership_Then_it_lists_them_as_members()
    {
        var (haarlem, velsen, servicePoint) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        var registered = Assert.IsType<OrganisationRegistered>(Assert.Single(When(new Register(servicePoint, "wsp-zkij", "Werkgeversservicepunt",
            OrganisationType.EmployerServicePoint, ParticipationDepth.CoDeliver, [haarlem, velsen], Now))));

        Assert.Equal([haarlem, velsen], registered.Members);
        Assert.True(((Organisation.Known)Organisation.Evolve(Organisation.Initial, registered)).IsPartnership);
    }

    [Theory]
    [InlineData(1)] // a partnership of one is its member
    [InlineData(-1)] // a partnership of itself resolves to nobody
    public void Given_nothing_When_registering_a_partnership_without_two_other_members_Then_refused(int members)
    {
        var id = Guid.CreateVersion7();
        IReadOnlyList<Guid> listed = members == 1 ? [Guid.CreateVersion7()] : [id, Guid.CreateVersion7()];

        Assert.Equal("organisation.partnership-members",
            Refused(new Register(id, "mobility", "Mobiliteitsteam", OrganisationType.MobilityTeam, ParticipationDepth.CoDeliver, listed, Now)));
    }

    [Fact]
    public void Given_an_organisation_accepting_handovers_When_opening_an_inbox_Then_it_has_that_service_level()
    {
        var opened = Assert.IsType<InboxOpened>(Assert.Single(When(new OpenInbox(Uwv, WwIntake, "UWV – WW intake", 5, Now), UwvRegistered())));

        Assert.Equal(5, opened.ServiceLevelWorkingDays);
    }

    [Fact]
    public void Given_an_inform_only_partner_When_opening_an_inbox_Then_refused_because_it_receives_no_handovers() =>
        Assert.Equal("organisation.inform-only", Refused(new OpenInbox(Uwv, WwIntake, "UWV – WW intake", 5, Now), UwvRegistered(ParticipationDepth.InformOnly)));

    [Fact]
    public void Given_an_inbox_When_opening_another_with_the_same_name_in_other_case_Then_refused() =>
        Assert.Equal("organisation.inbox-name-taken", Refused(new OpenInbox(Uwv, Guid.CreateVersion7(), "uwv – ww INTAKE", 5, Now),
            UwvRegistered(), new InboxOpened(Uwv, WwIntake, "UWV – WW intake", 5, Now)));

    [Fact]
    public void Given_an_inbox_When_the_same_open_is_repeated_Then_nothing_new_happens() =>
        Assert.Empty(When(new OpenInbox(Uwv, WwIntake, "UWV – WW intake 2", 5, Now), UwvRegistered(), new InboxOpened(Uwv, WwIntake, "UWV – WW intake", 5, Now)));

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(Organisation.MaxServiceLevelWorkingDays + 1)]
    public void Given_an_organisation_When_a_service_level_is_out_of_range_Then_refused(int days) =>
        Assert.Equal("organisation.service-level", Refused(new OpenInbox(Uwv, WwIntake, "UWV – WW intake", days, Now), UwvRegistered()));

    [Fact]
    public void Given_an_inbox_When_changing_its_service_level_Then_changed_and_the_same_level_again_changes_nothing()
    {
        object[] given = [UwvRegistered(), new InboxOpened(Uwv, WwIntake, "UWV – WW intake", 5, Now)];

        var changed = Assert.IsType<InboxServiceLevelChanged>(Assert.Single(When(new ChangeServiceLevel(Uwv, WwIntake, 3, Now), given)));

        Assert.Equal(3, changed.ServiceLevelWorkingDays);
        Assert.Empty(When(new ChangeServiceLevel(Uwv, WwIntake, 5, Now), given));
        Assert.Equal("organisation.inbox-unknown", Refused(new ChangeServiceLevel(Uwv, Guid.CreateVersion7(), 3, Now), given));
    }

    [Fact]
    public void Given_open_inboxes_When_becoming_inform_only_Then_refused_until_they_are_closed()
    {
        object[] given = [UwvRegistered(), new InboxOpened(Uwv, WwIntake, "UWV – WW intake", 5, Now)];

        Assert.Equal("organisation.inboxes-open", Refused(new ChangeDepth(Uwv, ParticipationDepth.InformOnly, Now), given));
        Assert.IsType<ParticipationDepthChanged>(Assert.Single(When(new ChangeDepth(Uwv, ParticipationDepth.InformOnly, Now),
            [.. given, new InboxClosed(Uwv, WwIntake, Now)])));
    }

    [Fact]
    public void Given_a_deactivated_organisation_When_changing_it_Then_refused_until_reactivated()
    {
        object[] given = [UwvRegistered(), new OrganisationDeactivated(Uwv, Now)];

        Assert.Equal("organisation.inactive", Refused(new OpenInbox(Uwv, WwIntake, "UWV – WW intake", 5, Now), given));
        Assert.IsType<OrganisationReactivated>(Assert.Single(When(new Reactivate(Uwv, Now), given)));
        Assert.Single(When(new OpenInbox(Uwv, WwIntake, "UWV – WW intake", 5, Now), [.. given, new OrganisationReactivated(Uwv, Now)]));
    }

    [Fact]
    public void Given_an_active_organisation_When_reactivating_Then_nothing_happens() =>
        Assert.Empty(When(new Reactivate(Uwv, Now), UwvRegistered()));
}
