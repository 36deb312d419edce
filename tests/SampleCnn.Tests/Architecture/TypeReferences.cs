using System.Reflection;

namespace SampleCnn.Tests.Architecture;

/// <summary>
/// Every type that the types of an assembly refer to, each with where: base types and interfaces, attributes,
/// fields, method signatures and locals, and what method bodies name (<see cref="IlReferences"/>: the declaring
/// type of a member called or read, a type tested or created). Array element types and generic arguments count
/// as the types they hold. Constants are not seen: the compiler copies their values.
/// </summary>
static class TypeReferences
{
    public static IEnumerable<TypeReference> Of(Assembly assembly) => assembly.GetTypes().SelectMany(Of);

    public static IEnumerable<TypeReference> Of(Type type)
    {
        var named = new List<(MemberInfo Source, MemberInfo Target, Type? To)>();
        void Add(MemberInfo source, Type? to) => named.Add((source, to!, to));
        void Attributes(MemberInfo source, IEnumerable<CustomAttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                Add(source, attribute.AttributeType);
                foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(a => a.TypedValue)))
                    if (argument.Value is Type argumentType) Add(source, argumentType);
            }
        }

        Add(type, type.BaseType);
        foreach (var face in type.GetInterfaces()) Add(type, face);
        Attributes(type, type.GetCustomAttributesData());
        foreach (var field in type.GetFields(IlReferences.Declared))
        {
            Add(field, field.FieldType);
            Attributes(field, field.GetCustomAttributesData());
        }
        foreach (var property in type.GetProperties(IlReferences.Declared)) Attributes(property, property.GetCustomAttributesData());
        foreach (var method in IlReferences.MethodsOf(type))
        {
            if (method is MethodInfo info) Add(method, info.ReturnType);
            Attributes(method, method.GetCustomAttributesData());
            foreach (var parameter in method.GetParameters())
            {
                Add(method, parameter.ParameterType);
                Attributes(method, parameter.GetCustomAttributesData());
            }
            foreach (var local in method.GetMethodBody()?.LocalVariables ?? []) Add(method, local.LocalType);
            foreach (var target in IlReferences.In(method))
            {
                named.Add((method, target, target as Type ?? target.DeclaringType));
                if (target is MethodInfo { IsGenericMethod: true } generic)
                    foreach (var argument in generic.GetGenericArguments()) Add(method, argument);
            }
        }
        return named.Where(n => n.To is not null)
            .SelectMany(n => Held(n.To!).Select(to => new TypeReference(n.Source, n.Target is Type ? to : n.Target, to)));
    }

    /// <summary>A type and the types it is made of: element types, generic definitions and arguments.</summary>
    static IEnumerable<Type> Held(Type type)
    {
        if (type.HasElementType) return Held(type.GetElementType()!);
        if (type.IsGenericParameter) return [];
        if (!type.IsGenericType || type.IsGenericTypeDefinition) return [type];
        return new[] { type.GetGenericTypeDefinition() }.Concat(type.GetGenericArguments().SelectMany(Held));
    }

    /// <summary>
    /// The type that a person wrote for a compiler-made one (a closure, an iterator, a state machine): the
    /// nearest type around it whose name the compiler did not make.
    /// </summary>
    public static Type Written(Type type)
    {
        while (type.DeclaringType is { } outer && type.Name.StartsWith('<')) type = outer;
        return type;
    }

    /// <summary>
    /// A short name a person can find in the source: Type.Member, with compiler-made types and members named
    /// after the method they were made from (<c>&lt;Run&gt;d__5.MoveNext</c> is <c>Run</c>); a cached lambda,
    /// which has no such name, is "(lambda)".
    /// </summary>
    public static string Name(MemberInfo member)
    {
        var type = member as Type ?? member.DeclaringType!;
        var written = Written(type);
        var owner = written.DeclaringType is { } outer ? $"{outer.Name}.{written.Name}" : written.Name;
        if (member is Type) return owner;
        var made = type != written ? Between(type.Name) : "";
        var name = member.Name.StartsWith('<') ? Between(member.Name) : made.Length > 0 ? made : member.Name;
        return $"{owner}.{(name.Length > 0 ? name : "(lambda)")}";
    }

    static string Between(string compilerName)
    {
        int close = compilerName.IndexOf('>');
        return close > 1 ? compilerName[1..close] : "";
    }
}
