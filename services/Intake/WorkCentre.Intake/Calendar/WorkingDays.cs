using System.Collections.Frozen;
using System.Globalization;

namespace WorkCentre.Intake.Calendar;

/// <summary>
/// Working days in the Netherlands: Monday to Friday except the public holidays the Algemene termijnenwet treats
/// as Sundays (New Year's Day, Easter and Whit Monday, Ascension Day, King's Day, Liberation Day, Christmas and
/// Boxing Day). The holidays are data (<c>dutch-public-holidays.csv</c>, embedded), so a year is added by a line,
/// not by code; a date outside the years it covers is refused rather than guessed.
/// </summary>
public sealed class WorkingDays
{
    public static WorkingDays Netherlands { get; } = Load();

    private readonly FrozenDictionary<DateOnly, string> _holidays;

    public WorkingDays(IEnumerable<(DateOnly Date, string Name)> holidays, int firstYear, int lastYear)
    {
        _holidays = holidays.ToFrozenDictionary(h => h.Date, h => h.Name);
        (FirstYear, LastYear) = (firstYear, lastYear);
    }

    public int FirstYear { get; }

    public int LastYear { get; }

    /// <summary>The holiday's Dutch name, or null on any other day.</summary>
    public string? HolidayOn(DateOnly date) => _holidays.GetValueOrDefault(Covered(date));

    public bool IsWorkingDay(DateOnly date) =>
        Covered(date).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.ContainsKey(date);

    /// <summary>The working day <paramref name="days"/> working days after <paramref name="date"/> (which itself does not count).</summary>
    public DateOnly AddWorkingDays(DateOnly date, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var day = date;
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return day;
    }

    /// <summary>Working days after <paramref name="from"/> up to and including <paramref name="to"/>; 0 when <paramref name="to"/> is not later.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }
        return count;
    }

    private DateOnly Covered(DateOnly date) =>
        date.Year >= FirstYear && date.Year <= LastYear
            ? date
            : throw new ArgumentOutOfRangeException(nameof(date), date,
                $"The holiday calendar covers {FirstYear}–{LastYear}; add the year's holidays to dutch-public-holidays.csv.");

    private static WorkingDays Load()
    {
        using var stream = typeof(WorkingDays).Assembly.GetManifestResourceStream("WorkCentre.Intake.Calendar.dutch-public-holidays.csv")
            ?? throw new InvalidOperationException("dutch-public-holidays.csv is not embedded in the intake assembly.");
        using var reader = new StreamReader(stream);
        var holidays = new List<(DateOnly, string)>();
        reader.ReadLine();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            holidays.Add((DateOnly.ParseExact(line[..comma], "yyyy-MM-dd", CultureInfo.InvariantCulture), line[(comma + 1)..]));
        }
        return new WorkingDays(holidays, holidays.Min(h => h.Item1.Year), holidays.Max(h => h.Item1.Year));
    }
}
