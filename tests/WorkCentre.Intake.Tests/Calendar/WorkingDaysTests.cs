using WorkCentre.Intake.Calendar;

namespace WorkCentre.Intake.Tests.Calendar;

public sealed class WorkingDaysTests
{
    private static readonly WorkingDays Days = WorkingDays.Netherlands;

    [Fact]
    public void Given_the_calendar_data_When_compared_with_the_PublicHoliday_library_Then_every_covered_year_has_the_same_days()
    {
        Assert.True(Days.FirstYear <= 2024 && Days.LastYear >= 2030, $"covers {Days.FirstYear}–{Days.LastYear}");
        for (var year = Days.FirstYear; year <= Days.LastYear; year++)
        {
            var expected = new PublicHoliday.DutchPublicHoliday().PublicHolidays(year).Select(DateOnly.FromDateTime).Order().ToList();
            var ours = Enumerable.Range(0, DateTime.IsLeapYear(year) ? 366 : 365)
                .Select(d => new DateOnly(year, 1, 1).AddDays(d)).Where(d => Days.HolidayOn(d) is not null).ToList();

            Assert.Equal(expected, ours);
        }
    }

    [Theory]
    [InlineData(2025, 26)] // the 27th is a Sunday
    [InlineData(2026, 27)]
    [InlineData(2030, 27)]
    public void Given_a_year_When_asking_for_kings_day_Then_it_is_the_27th_or_the_26th_when_the_27th_is_a_Sunday(int year, int day)
    {
        Assert.Equal("Koningsdag", Days.HolidayOn(new DateOnly(year, 4, day)));
        Assert.Null(Days.HolidayOn(new DateOnly(year, 4, day == 26 ? 27 : 26)));
    }

    [Fact]
    public void Given_a_handover_on_thursday_before_easter_When_counting_five_working_days_Then_the_weekend_and_easter_monday_are_skipped()
    {
        // Thursday 2 April 2026; Good Friday is a working day, Easter Monday 6 April is not.
        var due = Days.AddWorkingDays(new DateOnly(2026, 4, 2), 5);

        Assert.Equal(new DateOnly(2026, 4, 10), due);
        Assert.Equal(5, Days.WorkingDaysBetween(new DateOnly(2026, 4, 2), due));
        Assert.Equal(4, Days.WorkingDaysBetween(new DateOnly(2026, 4, 2), new DateOnly(2026, 4, 9)));
    }

    [Fact]
    public void Given_a_request_on_a_saturday_When_adding_working_days_Then_counting_starts_on_monday()
    {
        Assert.Equal(new DateOnly(2026, 12, 7), Days.AddWorkingDays(new DateOnly(2026, 12, 5), 1));
        Assert.Equal(0, Days.WorkingDaysBetween(new DateOnly(2026, 12, 5), new DateOnly(2026, 12, 6)));
    }

    [Fact]
    public void Given_a_date_outside_the_covered_years_When_asking_Then_it_is_refused_not_guessed()
    {
        var outside = new DateOnly(Days.LastYear + 1, 3, 3);

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Days.IsWorkingDay(outside));

        Assert.Contains("dutch-public-holidays.csv", refused.Message, StringComparison.Ordinal);
    }
}
