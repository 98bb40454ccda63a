#if !NET9_0_OR_GREATER
namespace System.Threading;

/// <summary>
/// net8.0 stand-in for .NET 9's <c>System.Threading.Lock</c>: the compiler turns <c>lock (x)</c> on this type into
/// <see cref="EnterScope"/>, here a monitor on a private object; net9.0+ builds use the runtime's type.
/// </summary>
internal sealed class Lock
{
    private readonly object _monitor = new();

    /// <summary>Enters the lock; disposing the scope exits it.</summary>
    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(_monitor);
    }

    /// <summary>Held while the scope lives.</summary>
    public ref struct Scope
    {
        private object? _monitor;

        internal Scope(object monitor) => _monitor = monitor;

        /// <summary>Exits the lock (once).</summary>
        public void Dispose()
        {
            if (_monitor is { } monitor)
            {
                _monitor = null;
                Monitor.Exit(monitor);
            }
        }
    }
}
#endif
