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
}
