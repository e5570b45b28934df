using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace WorkCentre.ReferenceData;

/// <summary>Reads a CSV file embedded in this assembly; headers map to record parameters by name, case-insensitively.</summary>
internal static class ShippedData
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        PrepareHeaderForMatch = args => args.Header.ToLowerInvariant(),
    };

    public static IReadOnlyList<T> Read<T>(string file)
    {
        var name = $"WorkCentre.ReferenceData.{file}";
        using var stream = typeof(ShippedData).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Reference data file {file} is not embedded.");
        using var reader = new StreamReader(stream);
        using var csv = new CsvReader(reader, Configuration);
        return [.. csv.GetRecords<T>()];
    }
}
