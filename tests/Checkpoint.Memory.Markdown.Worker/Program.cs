// Usage: Checkpoint.Memory.Markdown.Worker <root> <namespace> <key> <times>
// Adds 1 to the number stored at the key, <times> times, re-reading on version conflicts; prints "done".
using System.Globalization;
using Checkpoint.Memory;
using Checkpoint.Memory.Markdown;

var (root, ns, key, times) = (args[0], MemoryNamespace.Parse(args[1]), args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
await using var store = new MarkdownMemoryStore(root);
for (var done = 0; done < times;)
{
    var current = await store.GetAsync(ns, key) ?? throw new InvalidOperationException($"no item at {ns}:{key}");
    var next = (long.Parse(current.Content, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
    try
    {
        await store.PutAsync(new MemoryWrite { Namespace = ns, Key = key, Content = next, ExpectedVersion = current.Version });
        done++;
    }
    catch (MemoryConflictException)
    {
        // another process wrote first: read again
    }
}

Console.WriteLine("done");
