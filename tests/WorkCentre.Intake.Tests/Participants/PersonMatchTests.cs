using WorkCentre.Intake.Participants;

namespace WorkCentre.Intake.Tests.Participants;

public sealed class PersonMatchTests
{
    private static readonly DateOnly Born = new(1987, 3, 14);

    [Theory]
    [InlineData("José van der Berg", "1011 AB", "jose berg", "1011ab")]
    [InlineData("Jose Van Der Berg", "1011AB", "JOSÉ BERG", "1011 ab")]
    [InlineData("Anne-Marie de Vries", "2011 XK", "anne marie vries", "2011XK")]
    [InlineData("Sanne 't Hart", "1943 AA", "sanne hart", "1943aa")]
    [InlineData("Çelik Öztürk", "1971 BC", "celik ozturk", "1971 BC")]
    [InlineData("Søren Groß", "2021 DE", "Soren Gross", "2021DE")]
    public void Given_the_same_person_written_differently_at_two_desks_Then_the_keys_are_equal(string name, string postcode, string otherName, string otherPostcode) =>
        Assert.Equal(PersonMatch.Of(name, Born, postcode), PersonMatch.Of(otherName, Born, otherPostcode));

    [Theory]
    [InlineData("Jan Jansen", "1011 AB", "Jan Janssen", "1011 AB")]
    [InlineData("Jan Jansen", "1011 AB", "Jan Jansen", "1011 AC")]
    public void Given_different_names_or_postcodes_Then_the_keys_differ(string name, string postcode, string otherName, string otherPostcode) =>
        Assert.NotEqual(PersonMatch.Of(name, Born, postcode), PersonMatch.Of(otherName, Born, otherPostcode));

    [Fact]
    public void Given_the_same_name_and_postcode_When_born_on_another_day_Then_the_keys_differ() =>
        Assert.NotEqual(PersonMatch.Of("Jan Jansen", Born, "1011 AB"), PersonMatch.Of("Jan Jansen", Born.AddDays(1), "1011 AB"));

    [Fact]
    public void Given_a_surname_made_only_of_particles_Then_it_keeps_them_rather_than_matching_everyone() =>
        Assert.Equal("van der", PersonMatch.NormaliseName("Van Der"));
}
