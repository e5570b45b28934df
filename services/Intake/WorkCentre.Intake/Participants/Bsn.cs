namespace WorkCentre.Intake.Participants;

/// <summary>The citizen service number (burgerservicenummer): nine digits that pass the eleven-test.</summary>
public static class Bsn
{
    public const string Rule = "A BSN is nine digits that pass the eleven-test (elfproef).";

    /// <summary>
    /// Weights 9 down to 2 for the first eight digits and -1 for the last: the sum must be a multiple of 11.
    /// All zeros passes that sum and is refused too.
    /// </summary>
    public static bool IsValid(string? value)
    {
        if (value is not { Length: 9 } || !value.All(char.IsAsciiDigit) || value == "000000000")
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (value[i] - '0') * (9 - i);
        }
        sum -= value[8] - '0';
        return sum % 11 == 0;
    }
}
