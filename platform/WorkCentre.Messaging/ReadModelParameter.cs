namespace WorkCentre.Messaging;

/// <summary>A value as a read model's SQL parameter.</summary>
public static class ReadModelParameter
{
    /// <summary>Null as DBNull, and any moment in UTC: Npgsql writes timestamptz from offset 0 only, and a client's "+02:00" is the same moment.</summary>
    public static object Of(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset moment => moment.ToUniversalTime(),
        _ => value,
    };
}
