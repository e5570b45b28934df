using System.Text;
using AnyAscii;

namespace WorkCentre.Intake.Participants;

/// <summary>
/// What duplicate detection compares when no BSN matches: the name without diacritics, case, punctuation and
/// tussenvoegsels ("van der", "de", "'t"), the date of birth and the postcode without its space. "José van der
/// Berg, 1011 ab" and "jose Berg, 1011AB" are the same key; the advisor decides whether they are the same person.
/// </summary>
public sealed record PersonMatch(string Name, DateOnly DateOfBirth, string Postcode)
{
    // The Dutch name particles that are written or left out inconsistently at different desks.
    private static readonly HashSet<string> Tussenvoegsels =
    [
        "van", "der", "den", "de", "het", "t", "te", "ten", "ter", "in", "op", "aan", "bij", "uit", "onder", "over",
        "vd", "v", "d", "l", "la", "le", "du", "von", "zu", "di", "da", "dos", "del",
    ];

    public static PersonMatch Of(string name, DateOnly dateOfBirth, string postcode) =>
        new(NormaliseName(name), dateOfBirth, NormalisePostcode(postcode));

    public static string NormaliseName(string name)
    {
        // Transliterated, not decomposed: the services run with invariant globalization, which has no Unicode
        // decomposition, and a transliteration also folds letters such as "ß" and "ø" that carry no diacritic.
        var ascii = name.Transliterate();
        var letters = new StringBuilder(ascii.Length);
        foreach (var c in ascii)
        {
            letters.Append(char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) : ' ');
        }
        var words = letters.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = words.Where(w => !Tussenvoegsels.Contains(w)).ToArray();
        // A name made only of particles ("Van Der") keeps them rather than becoming empty.
        return string.Join(' ', kept.Length > 0 ? kept : words);
    }

    public static string NormalisePostcode(string postcode) =>
        string.Concat(postcode.Where(char.IsAsciiLetterOrDigit)).ToUpperInvariant();
}
