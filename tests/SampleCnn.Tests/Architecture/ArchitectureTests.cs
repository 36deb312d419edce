using System.Reflection;
using SampleCnn.Models;

namespace SampleCnn.Tests.Architecture;

/// <summary>
/// The library's shape, read from its compiled code: it references neither the console nor Spectre (the CLI
/// renders), each of its types has a file of its own, and its folders refer to each other one way only. Each
/// scan is also shown to find what it looks for.
/// </summary>
public class ArchitectureTests
{
    static readonly Assembly Library = typeof(TaggingCnn).Assembly;

    [Fact]
    public void TheLibraryReferencesNeitherTheConsoleNorSpectre()
    {
        Assert.Empty(Library.GetReferencedAssemblies().Where(IsSpectre).Select(a => a.Name));
        Assert.Empty(ConsoleOrSpectre(Library));
    }

    [Fact]
    public void TheConsoleScanFindsTheConsoleAndSpectre()
    {
        var found = ConsoleOrSpectre(typeof(ArchitectureTests).Assembly);
        Assert.Contains("ArchitectureTests.WritesToTheConsole -> Console.get_Error", found);
        Assert.Contains("ArchitectureTests.DrawsWithSpectre -> Markup.Escape", found);
    }

    [Fact]
    public void ALibraryTypeIsPublicOnlyWhenTheCliNeedsIt()
    {
        // Needed: what the CLI's code names, and what the public members of a needed type expose (a record's
        // properties, a method's parameters), to a fixed point. Everything else stays internal.
        var cli = typeof(SampleCnn.Cli.SampleCnnApp).Assembly;
        var needed = TypeReferences.Of(cli).Select(r => r.To).Where(t => t.Assembly == Library).ToHashSet();
        for (var grew = true; grew;)
        {
            var exposed = needed.SelectMany(Exposed).Where(t => t.Assembly == Library).ToList();
            grew = exposed.Any(needed.Add);
        }
        // A constant leaves no trace in the CLI's IL (the compiler copies its value), so a type stating a default
        // the CLI shows (Seeds.Default, Bootstrap.DefaultResamples) counts as needed.
        var publicTypes = Library.GetExportedTypes().Where(t => t.DeclaringType is null && !t.GetFields().Any(f => f.IsLiteral));
        var needless = publicTypes.Where(t => !needed.Contains(t)).Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.True(needless.Count == 0, $"public but not needed by the CLI: {string.Join(", ", needless)}");
    }

    /// <summary>The types a type shows through its public surface: base, interfaces, public members' signatures.</summary>
    static IEnumerable<Type> Exposed(Type type)
    {
        const BindingFlags surface = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        IEnumerable<Type> Parts(Type t) => t.HasElementType ? Parts(t.GetElementType()!)
            : t.IsGenericType ? t.GetGenericArguments().SelectMany(Parts).Prepend(t) : [t];
        var shown = new List<Type>();
        if (type.BaseType is { } b) shown.Add(b);
        shown.AddRange(type.GetInterfaces());
        shown.AddRange(type.GetFields(surface).Select(f => f.FieldType));
        shown.AddRange(type.GetProperties(surface).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(surface).Cast<MethodBase>().Concat(type.GetConstructors(surface)))
        {
            if (method is MethodInfo m) shown.Add(m.ReturnType);
            shown.AddRange(method.GetParameters().Select(p => p.ParameterType));
        }
        return shown.SelectMany(Parts);
    }

    [Fact]
    public void TheReadmeLayoutNamesEveryFolderOfTheLibrary()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var layout = readme[readme.IndexOf("## Layout", StringComparison.Ordinal)..];
        layout = layout[..layout.IndexOf("```", layout.IndexOf("```", StringComparison.Ordinal) + 3, StringComparison.Ordinal)];
        // Lines of the library's block name a folder first ("  Audio/Decoding/   what it holds").
        var named = System.Text.RegularExpressions.Regex.Matches(layout, @"^  ([A-Z][A-Za-z/]+)/ ", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet();
        var source = Path.Combine(root, "src", "SampleCnn");
        var folders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(source, Path.GetDirectoryName(f)!).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(d => d != "." && d.Split('/')[0] is not ("bin" or "obj")).ToHashSet();
        Assert.Equal(folders.Order(StringComparer.Ordinal), named.Order(StringComparer.Ordinal));
    }

    // Never run: the scan above reads their IL.
    static void WritesToTheConsole() => Console.Error.WriteLine();
    static string DrawsWithSpectre(string text) => Spectre.Console.Markup.Escape(text);

    /// <summary>Every reference of <paramref name="assembly"/> to a member of System.Console or a type of a Spectre assembly.</summary>
    static IEnumerable<string> ConsoleOrSpectre(Assembly assembly) =>
        TypeReferences.Of(assembly).Where(r => r.To == typeof(Console) || IsSpectre(r.To.Assembly.GetName()))
            .Select(r => r.ToString()).Distinct().Order(StringComparer.Ordinal);

    static bool IsSpectre(AssemblyName name) => name.Name!.StartsWith("Spectre", StringComparison.Ordinal);

    [Fact]
    public void EachTopLevelTypeOfTheLibraryHasAFileOfItsOwnNamedAfterIt()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "SampleCnn");
        var types = Library.GetTypes()
            .Where(t => t.DeclaringType is null && t.Namespace?.StartsWith("SampleCnn.", StringComparison.Ordinal) == true && !t.Name.StartsWith('<'))
            .Select(t => Path.Combine([.. t.Namespace!.Split('.')[1..], t.Name.Split('`')[0] + ".cs"]))
            .ToHashSet();
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(source, f))
            .Where(f => f.Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"))
            .ToHashSet();
        // A type without its own file shares one; a file named after no type of its folder holds another's.
        Assert.Empty(types.Except(files).Order(StringComparer.Ordinal));
        Assert.Empty(files.Except(types).Order(StringComparer.Ordinal));
    }

    internal static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "SampleCnn.slnx"))) folder = folder.Parent!;
        return folder.FullName;
    }

    [Fact]
    public void TheLibrarysFoldersReferToEachOtherWithoutACycle()
    {
        var graph = FolderGraph.Of(Library, "SampleCnn");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, Report("cycles between folders", cycles.Select(graph.Explain), graph));
    }

    [Fact]
    public void PlatformRefersToNoOtherFolderAndAudioOnlyToAudioAndPlatform()
    {
        var graph = FolderGraph.Of(Library, "SampleCnn");
        var broken = graph.Edges.Where(e => !Allowed(e.From, e.To)).Select(e => $"{e.From} -> {e.To}: {graph.References(e.From, e.To).First()}");
        Assert.True(!broken.Any(), Report("edges against the rule", broken, graph));
        Assert.False(Allowed("Audio.Signal", "Models"));
        Assert.False(Allowed("Platform", "Audio.Decoding"));
    }

    /// <summary>The rule that holds besides acyclicity: Platform is under everything, and Audio under all but Platform.</summary>
    static bool Allowed(string from, string to) => from switch
    {
        "Platform" => false,
        _ when InAudio(from) => InAudio(to) || to == "Platform",
        _ => true,
    };

    static bool InAudio(string folder) => folder == "Audio" || folder.StartsWith("Audio.", StringComparison.Ordinal);

    static string Report(string what, IEnumerable<string> found, FolderGraph graph) =>
        $"{what}:{Environment.NewLine}{string.Join(Environment.NewLine, found)}{Environment.NewLine}{Environment.NewLine}" +
        $"the folder graph (edge, references, the first of them):{Environment.NewLine}{graph}";

    [Fact]
    public void TheCycleFinderReportsEachCycleOnceAndNothingWithoutOne()
    {
        var withCycles = new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["A"] = ["B"], ["B"] = ["D", "C"], ["C"] = ["A"], ["D"] = ["E"], ["E"] = ["D"], ["F"] = ["A"],
        };
        Assert.Equal(["A -> B -> C -> A", "D -> E -> D"], FolderGraph.FindCycles(withCycles).Select(c => string.Join(" -> ", c)));
        var without = new Dictionary<string, IReadOnlyCollection<string>> { ["A"] = ["B", "C"], ["B"] = ["C"], ["C"] = [] };
        Assert.Empty(FolderGraph.FindCycles(without));
    }

    [Fact]
    public void TheGraphSeesACycleMadeInsideALambdaAndAnIterator()
    {
        var graph = FolderGraph.Of(typeof(ArchitectureTests).Assembly, typeof(CycleSample.Left.Counter).Namespace![..^".Left".Length]);
        Assert.Equal([("Left", "Right"), ("Right", "Left")], graph.Edges);
        var cycle = Assert.Single(graph.Cycles());
        Assert.Equal(
            """
            Left -> Right -> Left
              Left -> Right: Counter.Big -> Threshold.Above
              Right -> Left: Threshold.Counts -> Counter.Big
            """.ReplaceLineEndings(), graph.Explain(cycle));
    }
}
