using System.Text;

namespace Checkpoint;

/// <summary>Readable forms for the records users print while debugging (lists as [a, b], not as their type name).</summary>
internal static class Printing
{
    public static string List<T>(IEnumerable<T> items, Func<T, string>? describe = null) =>
        "[" + string.Join(", ", items.Select(item => describe is null ? item?.ToString() ?? "null" : describe(item))) + "]";

    public static string Interrupt(Interrupt interrupt) => $"{interrupt.Node} ({interrupt.Kind}, {interrupt.Id})";

    public static StringBuilder Field(this StringBuilder builder, string name, object? value)
    {
        if (builder.Length > 0 && builder[^1] != ' ')
        {
            builder.Append(", ");
        }

        return builder.Append(name).Append(" = ").Append(value);
    }
}
