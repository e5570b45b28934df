using System.Text.RegularExpressions;

namespace WorkCentre.Privacy;

/// <summary>A class, not a record: a record's ToString would print the master key.</summary>
public sealed partial class PrivacyOptions
{
    /// <summary>A fixed master key for tests and local development only; never use it in an environment with real data.</summary>
    public const string DevelopmentMasterKey = "d29ya2NlbnRyZS1kZXZlbG9wbWVudC1vbmx5LWtleSE=";

    /// <summary>Base64 of 32 random bytes (configuration <c>Privacy:MasterKey</c>); wraps every subject's data key.</summary>
    public string? MasterKey { get; init; }

    /// <summary>The PostgreSQL schema that holds <c>subject_keys</c>.</summary>
    public string Schema { get; init; } = "privacy";

    /// <summary>The development key is public (it is in this repository): data under it is readable by anyone.</summary>
    public PrivacyOptions RefuseDevelopmentKey(bool development, string environmentName) =>
        development || MasterKey != DevelopmentMasterKey
            ? this
            : throw new InvalidOperationException(
                $"Privacy:MasterKey is the public development key, refused in environment '{environmentName}': set the base64 of 32 random bytes.");

    internal byte[] MasterKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(MasterKey))
        {
            throw new InvalidOperationException("Privacy:MasterKey is not configured; it must be the base64 of 32 random bytes.");
        }
        var bytes = new byte[32];
        // The key itself never goes into a message.
        if (!Convert.TryFromBase64String(MasterKey, bytes, out var length) || length != 32)
        {
            throw new InvalidOperationException("Privacy:MasterKey is not the base64 of exactly 32 bytes.");
        }
        return bytes;
    }

    internal string ValidSchema() =>
        IdentifierPattern().IsMatch(Schema)
            ? Schema
            : throw new ArgumentException($"'{Schema}' is not a plain lower-case PostgreSQL identifier.", nameof(Schema));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
