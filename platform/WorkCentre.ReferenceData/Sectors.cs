using System.Collections.Frozen;

namespace WorkCentre.ReferenceData;

/// <summary>A sector of the regional labour market; its code is never reused for another sector.</summary>
public sealed record Sector(string Code, string Name, int Introduced);

/// <summary>
/// The sectors and, per region and year, which of them are focus sectors (the region's labour-market agenda,
/// e.g. care and welfare, education and technology in Zuid-Kennemerland en IJmond for 2023–2027).
/// </summary>
public sealed class Sectors
{
    private readonly FrozenDictionary<string, Sector> _byCode;
    private readonly FrozenSet<(string Region, int Year, string Sector)> _focus;

    private Sectors(IEnumerable<Sector> sectors, IEnumerable<(string Region, int Year, string Sector)> focus)
    {
        _byCode = sectors.ToFrozenDictionary(s => s.Code, StringComparer.Ordinal);
        _focus = focus.ToFrozenSet();
        if (_focus.FirstOrDefault(f => !_byCode.ContainsKey(f.Sector)) is { Sector: not null } unknown)
        {
            throw new InvalidDataException($"Focus sector '{unknown.Sector}' for {unknown.Region} {unknown.Year} is not a known sector.");
        }
    }

    /// <summary>The shipped data files.</summary>
    public static Sectors Shipped { get; } = new(
        ShippedData.Read<SectorRow>("sectors.csv").Select(r => new Sector(r.Code, r.Name, r.Introduced)),
        ShippedData.Read<FocusRow>("focus-sectors.csv").Select(r => (r.Region, r.Year, r.Sector)));

    public IReadOnlyCollection<Sector> All => _byCode.Values;

    public Sector? Find(string code) => _byCode.GetValueOrDefault(code);

    public bool IsKnown(string code) => _byCode.ContainsKey(code);

    /// <summary>Whether the sector is a focus sector of the region in that year; a year without data has none.</summary>
    public bool IsFocus(string region, int year, string sectorCode) => _focus.Contains((region, year, sectorCode));

    public IReadOnlyList<string> FocusSectors(string region, int year) =>
        [.. _focus.Where(f => f.Region == region && f.Year == year).Select(f => f.Sector).Order(StringComparer.Ordinal)];

    private sealed record SectorRow(string Code, string Name, int Introduced);

    private sealed record FocusRow(string Region, int Year, string Sector);
}
