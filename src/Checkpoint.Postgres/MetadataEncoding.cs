using System.Globalization;
using System.Text;

namespace Checkpoint.Postgres;

/// <summary>
/// Makes metadata strings storable in jsonb, which rejects NUL characters (and JSON writers reject
/// lone surrogates): those, and the escape character U+0001 itself, become U+0001 plus a marker.
/// The encoding is injective, so equal strings encode equally and jsonb containment stays an
/// exact match. The checkpoint body keeps the original metadata; the column only serves filters.
/// </summary>
internal static class MetadataEncoding
{
    private const char Escape = '\u0001';

    public static string Encode(string value)
    {
        if (!value.Any(NeedsEscape))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (c == '\0')
            {
                builder.Append(Escape).Append('0');
            }
            else if (c == Escape)
            {
                builder.Append(Escape).Append('1');
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append(Escape).Append('x').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => c is '\0' or Escape || char.IsSurrogate(c);
}
