using System.Text.Json;
using System.Text.Json.Nodes;
using Handoff.Analysis.Fixes.Patches;
using Handoff.Analysis.Manifests;
using static Handoff.Cli.Tests.CliRunner;

namespace Handoff.Cli.Tests;

public sealed class FixCommandTests : IDisposable
{
    private const string ExecSleep = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 4
          strategy:
            type: Recreate
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: example/web:1
                ports:
                - containerPort: 8080
                lifecycle:
                  preStop:
                    exec:
                      command: ["sleep", "3"]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080

        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-fix-").FullName;

    public FixCommandTests()
    {
        File.Copy(Path.Combine(RepoRoot(), "samples", "deploy", "naive.yaml"), Path.Combine(_dir, "naive.yaml"));
        File.WriteAllText(Path.Combine(_dir, "web.yaml"), ExecSleep);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Fix_DryRun_PrintsAUnifiedDiffExits1AndChangesNothing()
    {
        var before = File.ReadAllText(Path.Combine(_dir, "naive.yaml"));

        var (code, stdout, stderr) = Run(_dir, null, "fix", "naive.yaml");

        code.ShouldBe(1, stderr);
        stdout.ShouldStartWith("--- a/naive.yaml\n+++ b/naive.yaml\n@@ ");
        stdout.ShouldContain("+          lifecycle:");
        stderr.ShouldContain("run with --write");
        File.ReadAllText(Path.Combine(_dir, "naive.yaml")).ShouldBe(before);
    }

    [Fact]
    public void Fix_Write_WritesTheFilesAndASecondRunFindsNothing()
    {
        var (code, stdout, stderr) = Run(_dir, null, "fix", "naive.yaml", "web.yaml", "--write");

        code.ShouldBe(0, stderr);
        stdout.ShouldContain("fixed naive.yaml");
        File.ReadAllText(Path.Combine(_dir, "web.yaml")).ShouldContain("          preStop:\n            sleep:\n              seconds: 10\n");
        var again = Run(_dir, null, "fix", "naive.yaml", "web.yaml");
        again.Code.ShouldBe(0, again.Stderr);
        again.Stdout.ShouldBeEmpty();
        var check = Run(_dir, null, "check", "naive.yaml", "web.yaml", "--format", "json");
        check.Stdout.ShouldNotContain("\"HO101\"");
        check.Stdout.ShouldNotContain("\"HO104\"");
    }

    [Fact]
    public void Fix_WriteStandardInput_IsAUsageError()
    {
        var (code, _, stderr) = Run(_dir, ExecSleep, "fix", "-", "--write");

        code.ShouldBe(2);
        stderr.ShouldContain("cannot --write standard input");
    }

    [Fact]
    public void Fix_StandardInputDryRun_PrintsADiff()
    {
        var (code, stdout, _) = Run(_dir, ExecSleep, "fix", "-");

        code.ShouldBe(1);
        stdout.ShouldStartWith("--- a/stdin\n+++ b/stdin\n");
    }

    [Fact]
    public void Fix_BrokenFile_ReportsFileAndLineAndStillFixesTheOthers()
    {
        File.WriteAllText(Path.Combine(_dir, "broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: [x\n");

        var (code, stdout, stderr) = Run(_dir, null, "fix", "broken.yaml", "naive.yaml");

        code.ShouldBe(2);
        stderr.ShouldMatch(@"handoff: broken\.yaml:\d+:\d+: ");
        stdout.ShouldContain("+++ b/naive.yaml");
        stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public void Fix_WriteFileWithByteOrderMark_KeepsTheMark()
    {
        var path = Path.Combine(_dir, "bom.yaml");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(ExecSleep)]);

        var (code, _, stderr) = Run(_dir, null, "fix", "bom.yaml", "--write");

        code.ShouldBe(0, stderr);
        var bytes = File.ReadAllBytes(path);
        bytes[..3].ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF });
        System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).ShouldStartWith("apiVersion: apps/v1\n");
    }

    [Theory]
    [InlineData("kustomize")]
    [InlineData("json6902")]
    public void Fix_Patch_KubectlKustomizeGivesTheSameObjectsAsWrite(string kind)
    {
        var patch = Run(_dir, null, "fix", "naive.yaml", "web.yaml", "--patch", kind, "--out", "patches");
        patch.Code.ShouldBe(0, patch.Stderr);
        var built = Tool("kubectl", _dir, "kustomize", "--load-restrictor", "LoadRestrictionsNone", "patches");
        built.Code.ShouldBe(0, built.Output);

        var write = Run(_dir, null, "fix", "naive.yaml", "web.yaml", "--write");
        write.Code.ShouldBe(0, write.Stderr);
        var expected = Objects(File.ReadAllText(Path.Combine(_dir, "naive.yaml")) + "\n---\n" + File.ReadAllText(Path.Combine(_dir, "web.yaml")));
        var actual = Objects(built.Output);

        actual.Keys.ShouldBe(expected.Keys, ignoreOrder: true);
        actual.Keys.ShouldContain("PodDisruptionBudget shop/web");
        foreach (var (key, json) in expected)
        {
            actual[key].ShouldBe(json, key);
        }
    }

    [Theory]
    [InlineData("kustomize")]
    [InlineData("json6902")]
    public void Fix_PatchOnAKustomizeBase_BuildsWithPlainKubectlKustomizeInTheBasesNamespace(string kind)
    {
        // A base folder (tests/fixtures/field/kustomize-base-naive): its kustomization.yaml is not a resource and its
        // 'namespace: checkout' must reach the PodDisruptionBudget the fix adds (issue 13.10).
        var fixture = Path.Combine(RepoRoot(), "tests", "fixtures", "field", "kustomize-base-naive");
        var baseDir = Path.Combine(_dir, "base");
        Directory.CreateDirectory(baseDir);
        foreach (var file in Directory.GetFiles(fixture))
        {
            File.Copy(file, Path.Combine(baseDir, Path.GetFileName(file)));
        }

        var patch = Run(_dir, null, "fix", "base", "--patch", kind, "--out", "patches");
        patch.Code.ShouldBe(0, patch.Stderr);
        File.ReadAllText(Path.Combine(_dir, "patches", "kustomization.yaml")).ShouldContain("- \"../base\"\n");

        // No --load-restrictor: everything the kustomization names is its own file or a kustomization root.
        var built = Tool("kubectl", _dir, "kustomize", "patches");
        built.Code.ShouldBe(0, built.Output);
        var objects = Objects(built.Output);
        objects.Keys.ShouldBe(["Service checkout/checkout", "Deployment checkout/checkout", "PodDisruptionBudget checkout/checkout"], ignoreOrder: true);
        objects["Deployment checkout/checkout"].ShouldContain("\"preStop\":{\"sleep\":{\"seconds\":10}}");
        objects["Deployment checkout/checkout"].ShouldContain("\"app.kubernetes.io/part-of\":\"checkout\"");
    }

    // Objects as canonical JSON (keys sorted, values typed as Kubernetes decodes them), keyed by kind and name.
    private static Dictionary<string, string> Objects(string yaml)
    {
        var set = ManifestSet.FromText(yaml);
        set.Errors.ShouldBeEmpty();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var obj in set.Objects)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                PlainNode.WriteJson(writer, PlainNode.From(obj.Node));
            }

            result[obj.Ref.ToString()] = Canonical(JsonNode.Parse(stream.ToArray()))!.ToJsonString();
        }

        return result;
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };
}
