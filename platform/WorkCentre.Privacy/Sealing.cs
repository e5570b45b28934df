using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace WorkCentre.Privacy;

/// <summary>AES-GCM with a fresh 12-byte nonce per message, laid out as nonce | ciphertext | 16-byte tag.</summary>
internal static class Sealing
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length), sealedBytes.AsSpan(NonceSize + plaintext.Length), associatedData);
        return sealedBytes;
    }

    /// <summary>The plaintext, or null when the bytes are malformed or fail authentication.</summary>
    public static byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedBytes, ReadOnlySpan<byte> associatedData)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return null;
        }
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[NonceSize..^TagSize], sealedBytes[^TagSize..], plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}

/// <summary>
/// The stored form of one personal value: <c>wcenc:v1:&lt;subject id&gt;:&lt;base64url(nonce|ciphertext|tag)&gt;</c>.
/// The subject id is bound as associated data, so the value cannot be relabelled to another subject.
/// </summary>
internal static partial class PersonalDataToken
{
    public const string Prefix = "wcenc:v1:";

    public static string Encrypt(string subjectId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext) =>
        Prefix + subjectId + ":" + Base64Url.EncodeToString(Sealing.Seal(key, plaintext, AssociatedData(subjectId)));

    public static bool TryParse(string value, out string subjectId, out string sealedBase64)
    {
        subjectId = sealedBase64 = "";
        var colon = value.StartsWith(Prefix, StringComparison.Ordinal) ? value.IndexOf(':', Prefix.Length) : -1;
        if (colon < 0)
        {
            return false;
        }
        subjectId = value[Prefix.Length..colon];
        sealedBase64 = value[(colon + 1)..];
        return true;
    }

    /// <summary>The plaintext, or null when the token was altered or was not sealed under this subject's key.</summary>
    public static byte[]? Decrypt(string subjectId, ReadOnlySpan<byte> key, string sealedBase64) =>
        Base64Url.IsValid(sealedBase64)
            ? Sealing.Open(key, Base64Url.DecodeFromChars(sealedBase64), AssociatedData(subjectId))
            : null;

    /// <summary>Subject ids named by tokens in raw JSON text, without parsing it.</summary>
    public static void CollectSubjects(string json, HashSet<string> into)
    {
        if (!json.Contains(Prefix, StringComparison.Ordinal))
        {
            return;
        }
        foreach (Match match in TokenSubject().Matches(json))
        {
            into.Add(match.Groups[1].Value);
        }
    }

    private static byte[] AssociatedData(string subjectId) => Encoding.UTF8.GetBytes(Prefix + subjectId);

    [GeneratedRegex("wcenc:v1:([A-Za-z0-9._-]{1,128}):")]
    private static partial Regex TokenSubject();
}

internal static partial class SubjectIds
{
    /// <summary>The stored form of a [DataSubjectId] value; null when it names nobody.</summary>
    public static string? Format(object? value) => value switch
    {
        Guid g when g != Guid.Empty => g.ToString("D"),
        string s when s.Length > 0 => s,
        _ => null,
    };

    /// <summary>Ids go into tokens and key rows in clear and are found again by a text scan, so only plain ids pass.</summary>
    public static bool IsValid(string subjectId) => ValidPattern().IsMatch(subjectId);

    public static string Validate(string subjectId) =>
        IsValid(subjectId)
            ? subjectId
            : throw new ArgumentException("A data subject id must be 1-128 letters, digits, '.', '_' or '-'.", nameof(subjectId));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex ValidPattern();
}
