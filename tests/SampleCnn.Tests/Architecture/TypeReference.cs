using System.Reflection;

namespace SampleCnn.Tests.Architecture;

/// <summary>
/// One reference found by <see cref="TypeReferences"/>: the member (or type) that makes it, the member (or type)
/// it names, and the type it reaches, <see cref="To"/>.
/// </summary>
readonly record struct TypeReference(MemberInfo Source, MemberInfo Target, Type To)
{
    public override string ToString() =>
        $"{TypeReferences.Name(Source)} -> {TypeReferences.Name(Target)}" + (Target is Type || Target.DeclaringType == To ? "" : $" ({TypeReferences.Name(To)})");
}
