namespace WorkCentre.Messaging;

/// <summary>
/// A command broke a domain rule. Retrying cannot help, so consumers do not retry it and endpoints answer 409/422.
/// </summary>
public sealed class DomainRuleViolationException(string rule, string detail) : Exception(detail)
{
    /// <summary>A stable, machine-readable rule name, e.g. <c>handover.consent-required</c>.</summary>
    public string Rule { get; } = rule;
}
