using System.Globalization;
using System.Text;

namespace Checkpoint.Memory;

/// <summary>Text rules shared by deduplication.</summary>
public static class MemoryText
{
    /// <summary>
    /// The form two texts are compared in for exact duplicates: Unicode NFKC, lower case (invariant),
    /// runs of white space as one space, no leading or trailing white space or end punctuation.
    /// "Lives in  Berlin." and "lives in berlin" are the same.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture);
        var result = new StringBuilder(folded.Length);
        var space = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                space = result.Length > 0;
                continue;
            }

            if (space)
            {
                result.Append(' ');
                space = false;
            }

            result.Append(c);
        }

        while (result.Length > 0 && char.IsPunctuation(result[^1]))
        {
            result.Length--;
        }

        return result.ToString().TrimEnd();
    }
}
