using System.Reflection;
using System.Reflection.Emit;

namespace SampleCnn.Tests;

/// <summary>
/// What the method bodies of an assembly refer to, read from their IL: the method, field and type of every
/// token operand, in every method and constructor of every type, the compiler's own included (lambdas,
/// local functions, iterators and async state machines live in nested types of their own).
/// </summary>
static class IlReferences
{
    public const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every method and constructor that <paramref name="type"/> declares.</summary>
    public static IEnumerable<MethodBase> MethodsOf(Type type) => type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));

    /// <summary>Every call in <paramref name="assembly"/>: the method whose body makes it and the method it calls.</summary>
    public static IEnumerable<(MethodBase Caller, MethodBase Callee)> Calls(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in MethodsOf(type)
        from reference in In(method)
        where reference is MethodBase
        select (method, (MethodBase)reference);

    /// <summary>The methods, fields and types that the body of <paramref name="method"/> names, in order.</summary>
    public static IEnumerable<MemberInfo> In(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var type = method.DeclaringType!;
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += code.Size;
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
                yield return method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments)!;
            i += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }

    static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static IlReferences()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            if (code.Size == 1) OneByte[(byte)code.Value] = code;
            else TwoByte[(byte)(code.Value & 0xFF)] = code;
        }
    }
}
