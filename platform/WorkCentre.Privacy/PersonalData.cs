namespace WorkCentre.Privacy;

/// <summary>
/// Marks a property as personal data: it is stored encrypted under the key of the nearest enclosing
/// object's <see cref="DataSubjectIdAttribute"/> and reads as erased once that key is shredded.
/// Non-string personal data must be nullable, because erased values read as null.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PersonalDataAttribute : Attribute;

/// <summary>
/// Marks the property (Guid or string) naming whose personal data the object and its nested objects hold.
/// The value is a pseudonymous id; it is stored in clear and must be a constructor parameter when the type has one.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class DataSubjectIdAttribute : Attribute;

public static class PersonalData
{
    /// <summary>What a string personal-data property reads as after its subject was erased.</summary>
    public const string Erased = "[erased]";

    public static bool IsErased(string? value) => value == Erased;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, string?> Found = new();

    /// <summary>
    /// The first property of <paramref name="type"/> (or of a type nested in it) marked as personal data, as a
    /// dotted path; null when it holds none. For payloads stored or sent in clear, which must hold ids only.
    /// </summary>
    public static string? FindIn(Type type) => Found.GetOrAdd(type, t => Search(t, t.Name, []));

    private static string? Search(Type type, string path, HashSet<Type> seen)
    {
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !type.IsGenericType
            || !seen.Add(type))
        {
            return null;
        }
        if (type.IsArray)
        {
            return Search(type.GetElementType()!, path + "[]", seen);
        }
        if (type.IsGenericType)
        {
            return type.GetGenericArguments().Select(a => Search(a, path + "[]", seen)).FirstOrDefault(p => p is not null);
        }
        var constructorParameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .Where(p => p.IsDefined(typeof(PersonalDataAttribute), false)).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.IsDefined(typeof(PersonalDataAttribute), true) || constructorParameters.Contains(property.Name))
            {
                return $"{path}.{property.Name}";
            }
            if (Search(property.PropertyType, $"{path}.{property.Name}", seen) is { } nested)
            {
                return nested;
            }
        }
        return null;
    }
}
