using System.Reflection;

namespace SampleCnn.Tests.Architecture;

/// <summary>
/// Which folder of an assembly refers to which. A folder is a namespace under a root (<c>SampleCnn.Audio.Decoding</c>
/// is <c>Audio.Decoding</c>); there is an edge A -> B when a type of A refers to a type of B
/// (<see cref="TypeReferences"/>), a type the compiler made counting as the one it was made for. Each edge keeps
/// the references that make it, so a failure can name the members to look at.
/// </summary>
sealed class FolderGraph
{
    readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> edges = new(StringComparer.Ordinal);

    public static FolderGraph Of(Assembly assembly, string root)
    {
        var graph = new FolderGraph();
        foreach (var reference in TypeReferences.Of(assembly))
            if (FolderOf(reference.Source as Type ?? reference.Source.DeclaringType!, root) is { } from
                && FolderOf(reference.To, root) is { } to && from != to)
                graph.Add(from, to, reference.ToString());
        return graph;
    }

    /// <summary>The folder of a type of the root namespace (the root's own types are in "."), or null.</summary>
    static string? FolderOf(Type type, string root)
    {
        var space = TypeReferences.Written(type).Namespace;
        if (space == root) return ".";
        return space is not null && space.StartsWith(root + ".", StringComparison.Ordinal) ? space[(root.Length + 1)..] : null;
    }

    public void Add(string from, string to, string reference)
    {
        if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new(StringComparer.Ordinal);
        if (!targets.TryGetValue(to, out var references)) targets[to] = references = new(StringComparer.Ordinal);
        references.Add(reference);
    }

    public IEnumerable<(string From, string To)> Edges => edges.SelectMany(e => e.Value.Keys.Select(to => (e.Key, to)));

    /// <summary>The references that make the edge <paramref name="from"/> -> <paramref name="to"/>, in name order.</summary>
    public IReadOnlyCollection<string> References(string from, string to) => edges[from][to];

    public IReadOnlyList<IReadOnlyList<string>> Cycles() =>
        FindCycles(edges.ToDictionary(e => e.Key, e => (IReadOnlyCollection<string>)e.Value.Keys));

    /// <summary>A cycle, step by step, each step with one reference that makes it.</summary>
    public string Explain(IReadOnlyList<string> cycle) =>
        string.Join(" -> ", cycle) + Environment.NewLine + string.Join(Environment.NewLine,
            cycle.Zip(cycle.Skip(1)).Select(step => $"  {step.First} -> {step.Second}: {References(step.First, step.Second).First()}"));

    /// <summary>Every edge, with how many references make it and the first of them.</summary>
    public override string ToString() => string.Join(Environment.NewLine, Edges.Select(e =>
        $"{e.From} -> {e.To} ({References(e.From, e.To).Count}: {References(e.From, e.To).First()})"));

    /// <summary>
    /// One cycle for each group of nodes that reach each other (a strongly connected component of more than one
    /// node, found by Tarjan's algorithm): the shortest way from the group's first node, in ordinal order, back to
    /// itself, written A -> B -> ... -> A. No cycle, no entry.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> FindCycles(IReadOnlyDictionary<string, IReadOnlyCollection<string>> successors)
    {
        IEnumerable<string> Next(string node) =>
            successors.TryGetValue(node, out var next) ? next.Order(StringComparer.Ordinal) : [];

        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        void Connect(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in Next(node))
                if (!index.ContainsKey(next))
                {
                    Connect(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do component.Add(member = stack.Pop());
            while (member != node);
            components.Add(component);
        }
        foreach (var node in successors.Keys.Concat(successors.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Connect(node);

        var cycles = new List<IReadOnlyList<string>>();
        foreach (var component in components.Where(c => c.Count > 1))
        {
            var inside = component.ToHashSet();
            var start = component.Min(StringComparer.Ordinal)!;
            var cameFrom = new Dictionary<string, string>();
            var queue = new Queue<string>([start]);
            while (queue.Count > 0 && !cameFrom.ContainsKey(start))
            {
                var node = queue.Dequeue();
                foreach (var next in Next(node).Where(inside.Contains))
                    if (cameFrom.TryAdd(next, node) && next != start) queue.Enqueue(next);
            }
            var cycle = new List<string> { start };
            for (var node = cameFrom[start]; node != start; node = cameFrom[node]) cycle.Add(node);
            cycle.Add(start);
            cycle.Reverse();
            cycles.Add(cycle);
        }
        return cycles.OrderBy(c => c[0], StringComparer.Ordinal).ToList();
    }
}
