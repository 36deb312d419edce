using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SampleCnn.Tests.Deploy;

/// <summary>deploy/kubernetes/tag-job.yaml against the batch/v1 Job API's rules and the worker's command line.</summary>
public class KubernetesJobTests
{
    // The fields the API accepts at each level we write (Kubernetes 1.33); a misspelt one is rejected by the server.
    static readonly string[] JobFields = ["apiVersion", "kind", "metadata", "spec"];
    static readonly string[] JobSpecFields = ["activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex", "completionMode",
        "completions", "managedBy", "manualSelector", "maxFailedIndexes", "parallelism", "podFailurePolicy", "podReplacementPolicy",
        "selector", "successPolicy", "suspend", "template", "ttlSecondsAfterFinished"];
    static readonly string[] PodSpecFields = ["activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers",
        "dnsConfig", "dnsPolicy", "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork", "hostPID",
        "hostUsers", "hostname", "imagePullSecrets", "initContainers", "nodeName", "nodeSelector", "os", "overhead",
        "preemptionPolicy", "priority", "priorityClassName", "readinessGates", "resourceClaims", "resources", "restartPolicy",
        "runtimeClassName", "schedulerName", "schedulingGates", "securityContext", "serviceAccount", "serviceAccountName",
        "setHostnameAsFQDN", "shareProcessNamespace", "subdomain", "terminationGracePeriodSeconds", "tolerations",
        "topologySpreadConstraints", "volumes"];
    static readonly string[] ContainerFields = ["args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle",
        "livenessProbe", "name", "ports", "readinessProbe", "resizePolicy", "resources", "restartPolicy", "securityContext",
        "startupProbe", "stdin", "stdinOnce", "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices",
        "volumeMounts", "workingDir"];

    static readonly YamlMappingNode Job = Load();
    static YamlMappingNode Spec => Map(Job, "spec");
    static YamlMappingNode PodSpec => Map(Map(Spec, "template"), "spec");
    static YamlMappingNode Container => (YamlMappingNode)Assert.Single(Seq(PodSpec, "containers"));
    static string[] Args => Seq(Container, "args").Select(a => ((YamlScalarNode)a).Value!).ToArray();

    [Fact]
    public void IsAnIndexedJobWithFieldsTheApiKnows()
    {
        Assert.Equal("batch/v1", Text(Job, "apiVersion"));
        Assert.Equal("Job", Text(Job, "kind"));
        Assert.Equal("Indexed", Text(Spec, "completionMode"));
        RequireOnly(Job, JobFields, "Job");
        RequireOnly(Spec, JobSpecFields, "JobSpec");
        RequireOnly(PodSpec, PodSpecFields, "PodSpec");
        RequireOnly(Container, ContainerFields, "Container");
        Assert.InRange(Number(Spec, "parallelism"), 1, Number(Spec, "completions"));
    }

    [Fact]
    public void AKilledPodsIndexRunsAgain()
    {
        // Per-index retries need restartPolicy Never (the API refuses the Job otherwise); without them, OnFailure.
        var restart = Text(PodSpec, "restartPolicy");
        if (Spec.Children.ContainsKey("backoffLimitPerIndex"))
        {
            Assert.Equal("Never", restart);
            Assert.True(Number(Spec, "backoffLimitPerIndex") >= 1);
        }
        else Assert.Equal("OnFailure", restart);
        if (Spec.Children.ContainsKey("podFailurePolicy"))
        {
            Assert.Equal("Never", restart);
            foreach (var rule in Seq(Map(Spec, "podFailurePolicy"), "rules").Cast<YamlMappingNode>())
                if (rule.Children.ContainsKey("onExitCodes"))
                    Assert.Equal(Text(Container, "name"), Text(Map(rule, "onExitCodes"), "containerName"));
        }
    }

    [Fact]
    public void TheShardCountIsTheCompletionsCount()
    {
        var env = Seq(Container, "env").Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        Assert.Equal(Number(Spec, "completions"), int.Parse(env["SAMPLECNN_SHARDS"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void TheContainerRunsTagWithOptionsTheCliHas()
    {
        Assert.False(Container.Children.ContainsKey("command"), "command would replace the image's ENTRYPOINT (samplecnn)");
        WorkerCommand.RequireKnownFlags(Args, "tag-job.yaml");
    }

    [Fact]
    public void ThreadsMatchTheCpusAndMemoryCoversTheMeasuredPeak()
    {
        var resources = Map(Container, "resources");
        var threads = WorkerCommand.ValueOf(Args, "--threads");
        Assert.Equal(threads, Text(Map(resources, "requests"), "cpu"));
        Assert.Equal(threads, Text(Map(resources, "limits"), "cpu"));
        var request = Bytes(Text(Map(resources, "requests"), "memory"));
        Assert.True(request >= WorkerCommand.MeasuredPeakBytes, $"memory request {request} bytes is under tag's measured peak");
        Assert.True(Bytes(Text(Map(resources, "limits"), "memory")) >= request);
    }

    [Fact]
    public void EveryPathTheWorkerReadsOrWritesIsOnAMountedVolume()
    {
        var volumes = Seq(PodSpec, "volumes").Cast<YamlMappingNode>().Select(v => Text(v, "name")).ToHashSet();
        var mounts = Seq(Container, "volumeMounts").Cast<YamlMappingNode>().ToList();
        foreach (var mount in mounts) Assert.Contains(Text(mount, "name"), volumes);
        var roots = mounts.Select(m => Text(m, "mountPath").TrimEnd('/') + "/").ToList();
        foreach (var path in Args.Where(a => a.StartsWith('/')))
            Assert.True(roots.Any(r => path.StartsWith(r, StringComparison.Ordinal)), $"{path} is on no mounted volume");
    }

    [Theory]
    [InlineData("3Gi", 3L << 30)]
    [InlineData("3584Mi", 3584L << 20)]
    [InlineData("3G", 3_000_000_000L)]
    [InlineData("3000000000", 3_000_000_000L)]
    public void MemoryQuantitiesAreReadAsKubernetesDoes(string quantity, long bytes) => Assert.Equal(bytes, Bytes(quantity));

    static long Bytes(string quantity)
    {
        (string Suffix, long Factor)[] units = [("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
            ("k", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000)];
        foreach (var (suffix, factor) in units)
            if (quantity.EndsWith(suffix, StringComparison.Ordinal))
                return long.Parse(quantity[..^suffix.Length], CultureInfo.InvariantCulture) * factor;
        return long.Parse(quantity, CultureInfo.InvariantCulture);
    }

    static void RequireOnly(YamlMappingNode node, string[] fields, string what)
    {
        foreach (var key in node.Children.Keys.Cast<YamlScalarNode>())
            Assert.True(fields.Contains(key.Value), $"{what} has no field {key.Value}");
    }

    static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(WorkerCommand.File("deploy", "kubernetes", "tag-job.yaml"))));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    static YamlMappingNode Map(YamlMappingNode node, string key) => Assert.IsType<YamlMappingNode>(node[key]);
    static YamlSequenceNode Seq(YamlMappingNode node, string key) => Assert.IsType<YamlSequenceNode>(node[key]);
    static string Text(YamlMappingNode node, string key) => Assert.IsType<YamlScalarNode>(node[key]).Value!;
    static int Number(YamlMappingNode node, string key) => int.Parse(Text(node, key), CultureInfo.InvariantCulture);
}
