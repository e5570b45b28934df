using System.Security.Cryptography;
using System.Text;

namespace WorkCentre.Privacy;

/// <summary>
/// Keyed HMAC-SHA256 of a normalised personal value, for finding equal values (duplicate detection) without storing
/// them: without the key a stored hash cannot be checked against a guessed BSN or name. The key is derived from the
/// privacy master key with HKDF, one per index name, so an index never shares a key with another use of the master key.
/// </summary>
public sealed class BlindIndex
{
    private readonly byte[] _masterKey;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public BlindIndex(PrivacyOptions options) => _masterKey = options.MasterKeyBytes();

    /// <summary>The 32-byte hash of <paramref name="normalisedValue"/> under the key of <paramref name="index"/> (e.g. "participant.bsn").</summary>
    public byte[] Hash(string index, string normalisedValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(index);
        var key = _keys.GetOrAdd(index, name => HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKey, 32, info: Encoding.UTF8.GetBytes("wcbi:v1:" + name)));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normalisedValue));
    }
}
