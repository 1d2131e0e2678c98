using System.Text.RegularExpressions;

namespace OrleansReco.Grains.Privacy;

/// <summary>
/// The master keys that wrap the users' data keys, bound from <c>Reco:Privacy:MasterKeys</c>: every key that still
/// wraps a stored data key, and the id of the one that wraps new ones. Key material is a secret: it is never logged
/// and no message quotes it.
/// </summary>
public sealed partial class MasterKeyOptions
{
    public const string SectionName = "Reco:Privacy:MasterKeys";
    public const int MaxIdLength = 64;

    /// <summary>
    /// The development key in <c>Gateway/appsettings.Development.json</c>. It is published with the source, so it is
    /// refused outside the Development environment.
    /// </summary>
    internal const string DevelopmentKey = "F7CoJ/BBIBGNyuKrSbUK4jTfY33Deex/LFpm+NrQQVw=";

    /// <summary>Id of the key that wraps new data keys (and rewraps old ones); must be among <see cref="Keys"/>.</summary>
    public string? CurrentKeyId { get; set; }

    /// <summary>The current key and every older key not yet retired.</summary>
    public List<MasterKeyEntry> Keys { get; set; } = [];

    /// <summary>What is wrong with these settings, in words an operator can act on; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        if (Keys.Count == 0)
        {
            return
            [
                $"No master key is configured. Set {SectionName}:CurrentKeyId, {SectionName}:Keys:0:Id and {SectionName}:Keys:0:Key " +
                "(environment variables Reco__Privacy__MasterKeys__CurrentKeyId, Reco__Privacy__MasterKeys__Keys__0__Id, " +
                "Reco__Privacy__MasterKeys__Keys__0__Key); a key is base64 of 32 random bytes, e.g. `openssl rand -base64 32`.",
            ];
        }

        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var (id, key) = (Keys[i].Id, Keys[i].Key);
            if (!IsValidId(id))
            {
                problems.Add($"{SectionName}:Keys:{i}:Id is not a valid key id: 1 to {MaxIdLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }
            else if (!ids.Add(id!))
            {
                problems.Add($"{SectionName}:Keys: the id '{id}' is used more than once.");
            }

            // Only the length is ever reported: the value is a secret.
            var bytes = DecodeKey(key);
            if (string.IsNullOrEmpty(key))
            {
                problems.Add($"{SectionName}:Keys:{i}:Key (id {Quoted(id)}) is not set.");
            }
            else if (bytes is null)
            {
                problems.Add($"{SectionName}:Keys:{i}:Key (id {Quoted(id)}) is not valid base64.");
            }
            else if (bytes.Length != EnvelopeEncryption.KeySize)
            {
                problems.Add($"{SectionName}:Keys:{i}:Key (id {Quoted(id)}) must be base64 of exactly {EnvelopeEncryption.KeySize} bytes; it decodes to {bytes.Length}.");
            }
        }

        if (string.IsNullOrEmpty(CurrentKeyId))
        {
            problems.Add($"{SectionName}:CurrentKeyId is not set (environment variable Reco__Privacy__MasterKeys__CurrentKeyId); it names the key that wraps new data keys.");
        }
        else if (!Keys.Any(k => k.Id == CurrentKeyId))
        {
            problems.Add($"{SectionName}:CurrentKeyId {Quoted(CurrentKeyId)} is not among the configured keys ({string.Join(", ", Keys.Select(k => Quoted(k.Id)))}).");
        }

        return problems;
    }

    internal static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>
    /// An id for a message, quoted only when it passes the id rule: a key pasted into an id setting (base64 of 32
    /// bytes always ends in '=') is then never repeated in a message or a log.
    /// </summary>
    internal static string Quoted(string? id) => IsValidId(id) ? $"'{id}'" : "(not a valid id)";

    internal static byte[]? DecodeKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Safe in configuration keys, table properties, logs and the associated data (no line break, see EnvelopeEncryption).
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();
}

/// <summary>One master key: <c>Keys:N:Id</c> and <c>Keys:N:Key</c> (base64 of 32 bytes).</summary>
public sealed class MasterKeyEntry
{
    public string? Id { get; set; }

    public string? Key { get; set; }
}
