namespace WorkCentre.ServiceDefaults;

/// <summary>One page of a list, with the total so a client can tell how many pages there are.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

/// <summary>The <c>page</c> and <c>pageSize</c> query parameters every list takes: 1-based, 25 by default, at most 100.</summary>
public readonly record struct Paging(int PageNumber, int PageSize)
{
    public const int DefaultSize = 25;
    public const int MaxSize = 100;

    public int Offset => (PageNumber - 1) * PageSize;

    /// <summary>The paging asked for, with an error added to <paramref name="validation"/> for each value out of range.</summary>
    public static Paging From(int? page, int? pageSize, Validation validation)
    {
        validation.Check(page is null or >= 1, "page", "The page is 1 or more.")
            .Check(pageSize is null or (>= 1 and <= MaxSize), "pageSize", $"The page size is 1 to {MaxSize}.");
        return new Paging(Math.Max(page ?? 1, 1), Math.Clamp(pageSize ?? DefaultSize, 1, MaxSize));
    }
}

/// <summary>Enum values in query strings, spelled as in JSON bodies (camelCase) or in any case.</summary>
public static class QueryValues
{
    /// <summary>
    /// The value named by <paramref name="text"/>, or null when absent; an unknown name adds an error listing the known ones.
    /// The framework's own binding is case-sensitive and would refuse the <c>learning</c> that JSON bodies use.
    /// </summary>
    public static TEnum? Choice<TEnum>(this Validation validation, string field, string? text) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }
        validation.Add(field, $"One of: {string.Join(", ", Enum.GetNames<TEnum>().Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName))}.");
        return null;
    }
}
