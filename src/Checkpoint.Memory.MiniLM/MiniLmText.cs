using System.Globalization;
using System.Text;

namespace Checkpoint.Memory.MiniLM;

/// <summary>
/// Prepares text the way the model's own (BERT uncased) tokenizer expects it, where the packaged
/// tokenizer falls short: it splits words only on spaces and CR LF (so tabs and lone line feeds would
/// glue words together), lower-cases with the current culture (so under tr-TR "I" would become a
/// dotless "ı" the vocabulary lacks), and keeps accents that the uncased vocabulary has stripped.
/// </summary>
internal static class MiniLmText
{
    /// <summary>Collapses whitespace to single spaces, lower-cases invariantly and strips accents.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
