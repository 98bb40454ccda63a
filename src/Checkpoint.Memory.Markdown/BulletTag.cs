using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The trailing HTML comment that gives a bullet its identity: <c>&lt;!-- key=lang v=3 h=… d=… --&gt;</c>.
/// The key is percent-escaped (anything outside <c>[A-Za-z0-9._~:@+-]</c>, so no <c>--&gt;</c>, space
/// or newline gets in), <c>h</c> is the hash of the visible text as written (a different hash means a
/// person edited it), <c>d</c> holds the <see cref="HiddenFields"/>.
/// </summary>
internal sealed partial record BulletTag(string Key, long Version, string TextHash, string Fields)
{
    /// <summary>The comment text.</summary>
    public string Render() => string.Create(CultureInfo.InvariantCulture, $"<!-- key={EscapeKey(Key)} v={Version} h={TextHash} d={Fields} -->");

    /// <summary>The line without its trailing tag, and the tag; null when the line does not end with one.</summary>
    public static (string Text, BulletTag Tag)? TryStrip(string line)
    {
        var match = TrailingTag().Match(line);
        if (!match.Success || UnescapeKey(match.Groups["key"].Value) is not { } key
            || !long.TryParse(match.Groups["v"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return null;
        }

        return (line[..match.Index], new BulletTag(key, version, match.Groups["h"].Value, match.Groups["d"].Value));
    }

    /// <summary>The hash written as <c>h=</c>: 48 bits of SHA-256 of the visible text, base64url.</summary>
    public static string HashOf(string visibleText) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(visibleText)).AsSpan(0, 6));

    private static string EscapeKey(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var safe = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'.' or (byte)'_' or (byte)'~' or (byte)':' or (byte)'@' or (byte)'+' or (byte)'-';
            _ = safe ? builder.Append((char)b) : builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static string? UnescapeKey(string escaped)
    {
        try
        {
            var key = Uri.UnescapeDataString(escaped);
            return key.Length > 0 && !key.Any(char.IsControl) ? key : null;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }

    // The fields hold no spaces, so a match always starts at the last tag of the line.
    [GeneratedRegex(@"(^| )<!-- key=(?<key>[A-Za-z0-9._~:@+%-]+) v=(?<v>[0-9]{1,18}) h=(?<h>[A-Za-z0-9_-]+) d=(?<d>[A-Za-z0-9_-]*) -->$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingTag();
}
