#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>net8.0 stand-in for .NET 9's attribute; the C# 13+ compiler honors it by name, so overloads resolve as on net10.0.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute(int priority) : Attribute
{
    /// <summary>Higher wins among otherwise equal overloads.</summary>
    public int Priority { get; } = priority;
}
#endif
