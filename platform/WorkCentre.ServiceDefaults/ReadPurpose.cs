using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace WorkCentre.ServiceDefaults;

/// <summary>
/// The <c>purpose</c> query parameter every read of personal data requires: why the staff member reads it. It goes
/// into the read audit as stated, so it names a reason ("intake interview", "handover preparation"), not a person.
/// </summary>
public static class ReadPurpose
{
    public const string Parameter = "purpose";
    public const int MaxLength = 200;

    public const string Description =
        "Why the personal data is read, e.g. `intake interview`; recorded in the read audit with who read it and when. " +
        "Required: 1 to 200 characters, no personal data.";

    /// <summary>Adds the rule for a missing, blank or overlong purpose to <paramref name="validation"/>.</summary>
    public static Validation Purpose(this Validation validation, string? purpose) =>
        string.IsNullOrWhiteSpace(purpose) ? validation.Add(Parameter, "A purpose is required: say why the personal data is read.")
        : purpose.Trim().Length > MaxLength ? validation.Add(Parameter, $"The purpose is at most {MaxLength} characters.")
        : validation;

    /// <summary>Documents the endpoint's <c>purpose</c> query parameter (bind it as <c>[FromQuery] string purpose</c>, so it is required).</summary>
    public static RouteHandlerBuilder WithReadPurpose(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.Name == Parameter && p.In == ParameterLocation.Query))
            {
                parameter.Description = Description;
                parameter.Required = true;
                parameter.Example = System.Text.Json.Nodes.JsonValue.Create("intake interview");
            }
            return Task.CompletedTask;
        });
}
