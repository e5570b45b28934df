using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Consents;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Consents.ConsentCommand;
using ConsentExpired = WorkCentre.Intake.Consents.ConsentExpired;
using ConsentGiven = WorkCentre.Intake.Consents.ConsentGiven;
using ConsentWithdrawn = WorkCentre.Intake.Consents.ConsentWithdrawn;

namespace WorkCentre.Intake.Tests.Consents;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class ConsentDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly Guid Participant = Guid.CreateVersion7();
    private static readonly Guid Uwv = Guid.CreateVersion7();

    private static ConsentTerms Terms(CollectionMethod method = CollectionMethod.Written, string? witness = null, DataCategory[]? categories = null,
        Guid? recipient = null, ConsentPurpose purpose = ConsentPurpose.Handover, DateTimeOffset? expires = null) =>
        new(purpose, recipient ?? Uwv, null, LegalBasis.Consent, categories ?? [DataCategory.Contact, DataCategory.EmploymentSituation], method, witness,
            expires ?? Now.AddYears(1));

    private static ConsentGiven Given(ConsentTerms? terms = null) => new(Id, Participant, terms ?? Terms(), null, "advisor-1", Now);

    private static IReadOnlyList<object> When(ConsentCommand command, params object[] given) =>
        Consent.Decide(command, given.Aggregate(Consent.Initial, Consent.Evolve));

    private static string Refused(ConsentCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => When(command, given)).Rule;

    [Fact]
    public void Given_nothing_When_written_consent_for_a_handover_is_given_Then_it_is_in_force_with_its_categories_in_order()
    {
        var given = Assert.IsType<ConsentGiven>(Assert.Single(When(new Give(Id, Participant,
            Terms(categories: [DataCategory.EmploymentSituation, DataCategory.Contact, DataCategory.Contact]), null, "advisor-1", Now))));

        Assert.Equal([DataCategory.Contact, DataCategory.EmploymentSituation], given.Terms.DataCategories);
        Assert.IsType<Consent.Given>(Consent.Evolve(Consent.Initial, given));
    }

    [Fact]
    public void Given_nothing_When_verbal_consent_has_no_witness_Then_refused() =>
        Assert.Equal("consent.witness-required", Refused(new Give(Id, Participant, Terms(CollectionMethod.VerbalWithWitness), null, "advisor-1", Now)));

    [Fact]
    public void Given_nothing_When_verbal_consent_names_its_witness_Then_given() =>
        Assert.Single(When(new Give(Id, Participant, Terms(CollectionMethod.VerbalWithWitness, "staff-advisor-2"), null, "advisor-1", Now)));

    [Fact]
    public void Given_nothing_When_consent_names_no_category_Then_refused() =>
        Assert.Equal("consent.categories-required", Refused(new Give(Id, Participant, Terms(categories: []), null, "advisor-1", Now)));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(6 * 365)]
    public void Given_nothing_When_the_expiry_is_not_within_five_years_ahead_Then_refused(int days) =>
        Assert.Equal("consent.term", Refused(new Give(Id, Participant, Terms(expires: Now.AddDays(days)), null, "advisor-1", Now)));

    [Fact]
    public void Given_nothing_When_handover_consent_names_only_a_category_of_recipients_Then_refused() =>
        Assert.Equal("consent.handover-recipient", Refused(new Give(Id, Participant,
            Terms() with { RecipientOrganisationId = null, RecipientCategory = "training providers" }, null, "advisor-1", Now)));

    [Fact]
    public void Given_research_consent_for_a_category_of_recipients_When_given_Then_accepted() =>
        Assert.Single(When(new Give(Id, Participant,
            Terms(purpose: ConsentPurpose.Research) with { RecipientOrganisationId = null, RecipientCategory = "regional labour-market research" }, null, "a", Now)));

    [Fact]
    public void Given_consent_in_force_When_given_again_Then_refused_as_immutable() =>
        Assert.Equal("consent.immutable", Refused(new Give(Id, Participant, Terms(), null, "advisor-1", Now), Given()));

    [Fact]
    public void Given_consent_in_force_When_withdrawn_Then_it_ends_and_a_second_withdrawal_changes_nothing()
    {
        var withdrawn = Assert.IsType<ConsentWithdrawn>(Assert.Single(When(new Withdraw(Id, "advisor-1", Now), Given())));

        Assert.Empty(When(new Withdraw(Id, "advisor-1", Now), Given(), withdrawn));
        Assert.Equal(ConsentStatus.Withdrawn, Assert.IsType<Consent.Ended>(Consent.Evolve(Consent.Evolve(Consent.Initial, Given()), withdrawn)).Status);
    }

    [Fact]
    public void Given_consent_in_force_When_its_expiry_timer_fires_early_Then_nothing_and_at_expiry_Then_expired()
    {
        Assert.Empty(When(new Expire(Id, Now.AddMonths(6)), Given()));

        Assert.IsType<ConsentExpired>(Assert.Single(When(new Expire(Id, Now.AddYears(1)), Given())));
    }

    [Fact]
    public void Given_withdrawn_consent_When_its_expiry_timer_fires_Then_nothing() =>
        Assert.Empty(When(new Expire(Id, Now.AddYears(2)), Given(), new ConsentWithdrawn(Participant, Id, "a", Now)));

    [Fact]
    public void Given_withdrawn_consent_When_renewed_Then_refused_as_ended() =>
        Assert.Equal("consent.ended", Refused(new Replace(Id, Guid.CreateVersion7(), ReplacementReason.Renewal, Now), Given(), new ConsentWithdrawn(Participant, Id, "a", Now)));

    [Fact]
    public void Given_consent_in_force_When_corrected_Then_it_is_replaced_by_the_new_one()
    {
        var replacement = Guid.CreateVersion7();

        var replaced = Assert.IsType<ConsentReplaced>(Assert.Single(When(new Replace(Id, replacement, ReplacementReason.Correction, Now), Given())));

        Assert.Equal(replacement, replaced.ReplacedBy);
    }

    [Fact]
    public void Given_nothing_When_withdrawing_Then_refused_as_unknown() =>
        Assert.Equal("consent.unknown", Refused(new Withdraw(Id, "advisor-1", Now)));
}
