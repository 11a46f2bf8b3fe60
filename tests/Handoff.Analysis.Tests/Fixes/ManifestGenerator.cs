using System.Text;

namespace Handoff.Analysis.Tests.Fixes;

/// <summary>Writes a Deployment and its Service in one of many styles, chosen by a row of numbers (so FsCheck drives it).</summary>
internal sealed class ManifestGenerator
{
    private readonly int[] _choices;
    private int _next;

    private ManifestGenerator(int[] choices) => _choices = choices;

    public bool Crlf { get; private set; }

    public bool FinalNewline { get; private set; }

    public string Description { get; private set; } = string.Empty;

    private int Pick(int count) => count <= 1 ? 0 : Math.Abs(_choices[_next++ % _choices.Length] % count);

    private bool Flip() => Pick(2) == 1;

    public static (string Text, ManifestGenerator Shape) Generate(int[] choices)
    {
        var g = new ManifestGenerator(choices.Length == 0 ? [0] : choices);
        return (g.Write(), g);
    }

    private string Write()
    {
        var indent = Pick(2) == 0 ? 2 : 4;
        var seqIndented = Flip();
        var quote = Pick(3);
        var comments = Flip();
        Crlf = Flip();
        FinalNewline = Flip();
        var leadingSeparator = Flip();
        var flowContainer = Pick(4) == 0;
        var flowLabels = Flip();
        var preStop = Pick(6);
        var preStopSeconds = 1 + Pick(30);
        var grace = Pick(3) == 0 ? 0 : 10 + Pick(80);
        var strategy = Pick(6);
        var minReady = Flip();
        var replicas = Pick(7);
        var pdb = Pick(3) == 0;
        var serviceFirst = Flip();
        var replicasAfterSelector = Flip();
        Description = $"indent {indent}, seqIndented {seqIndented}, quote {quote}, comments {comments}, crlf {Crlf}, finalNewline {FinalNewline}, flowContainer {flowContainer}, preStop {preStop}/{preStopSeconds}, grace {grace}, strategy {strategy}, minReady {minReady}, replicas {replicas}, pdb {pdb}";

        string Q(string s) => quote switch { 1 => $"'{s}'", 2 => $"\"{s}\"", _ => s };
        string Pad(int level) => new(' ', level * indent);
        string Item(int level) => seqIndented ? Pad(level + 1) + "- " : Pad(level) + "- ";
        int ItemLevel(int level) => seqIndented ? level + 1 : level; // level whose padding + 2 is the item's key column

        var deployment = new List<string>();
        if (comments)
        {
            deployment.Add("# The web tier.");
        }

        deployment.Add("apiVersion: apps/v1");
        deployment.Add("kind: Deployment");
        deployment.Add("metadata:");
        deployment.Add(Pad(1) + "name: " + Q("web") + (comments ? "  # keep the name" : string.Empty));
        var spec = new List<string>();
        if (replicas > 0 && !replicasAfterSelector)
        {
            spec.Add(Pad(1) + $"replicas: {replicas}");
        }

        if (flowLabels)
        {
            spec.Add(Pad(1) + $"selector: {{matchLabels: {{app: {Q("web")}}}}}");
        }
        else
        {
            spec.Add(Pad(1) + "selector:");
            spec.Add(Pad(2) + "matchLabels:");
            spec.Add(Pad(3) + "app: " + Q("web"));
        }

        if (replicas > 0 && replicasAfterSelector)
        {
            spec.Add(Pad(1) + $"replicas: {replicas}");
        }

        if (minReady)
        {
            spec.Add(Pad(1) + "minReadySeconds: 5");
        }

        switch (strategy)
        {
            case 1:
                spec.Add(Pad(1) + "strategy:");
                spec.Add(Pad(2) + "type: " + Q("Recreate"));
                break;
            case 2:
                spec.Add(Pad(1) + "strategy:");
                spec.Add(Pad(2) + "type: RollingUpdate");
                spec.Add(Pad(2) + "rollingUpdate:");
                spec.Add(Pad(3) + "maxUnavailable: 1" + (comments ? " # one at a time" : string.Empty));
                break;
            case 3:
                spec.Add(Pad(1) + "strategy:");
                spec.Add(Pad(2) + "rollingUpdate:");
                spec.Add(Pad(3) + "maxSurge: \"25%\"");
                spec.Add(Pad(3) + "maxUnavailable: '50%'");
                break;
            case 4:
                spec.Add(Pad(1) + "strategy:");
                spec.Add(Pad(2) + "rollingUpdate:");
                spec.Add(Pad(3) + "maxSurge: 0");
                spec.Add(Pad(3) + "maxUnavailable: 1");
                break;
            case 5:
                spec.Add(Pad(1) + "strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}");
                break;
        }

        spec.Add(Pad(1) + "template:");
        spec.Add(Pad(2) + "metadata:");
        spec.Add(flowLabels ? Pad(3) + $"labels: {{app: {Q("web")}}}" : Pad(3) + "labels:");
        if (!flowLabels)
        {
            spec.Add(Pad(4) + "app: " + Q("web"));
        }

        spec.Add(Pad(2) + "spec:");
        if (comments)
        {
            spec.Add(Pad(3) + "# Containers of the pod.");
        }

        spec.Add(Pad(3) + "containers:");
        var hook = preStop switch
        {
            1 => $"exec: {{command: [\"sleep\", \"{preStopSeconds}\"]}}",
            2 => $"exec: {{command: [\"/bin/sh\", \"-c\", \"sleep {preStopSeconds}\"]}}",
            3 or 4 => $"sleep: {{seconds: {preStopSeconds}}}",
            5 => "httpGet: {path: /drain, port: 8080}",
            _ => null,
        };
        if (flowContainer)
        {
            var lifecycle = hook is null ? string.Empty : $", lifecycle: {{preStop: {{{hook}}}}}";
            spec.Add(Item(3) + $"{{name: {Q("web")}, image: {Q("example/web:1")}, ports: [{{containerPort: 8080}}]{lifecycle}}}");
        }
        else
        {
            var key = Pad(ItemLevel(3)) + "  ";
            spec.Add(Item(3) + "name: " + Q("web"));
            spec.Add(key + "image: " + Q("example/web:1") + (comments ? " # pinned" : string.Empty));
            spec.Add(key + "ports:");
            spec.Add((seqIndented ? key + new string(' ', indent) : key) + "- containerPort: 8080");
            if (hook is not null)
            {
                spec.Add(key + "lifecycle:");
                if (preStop == 3)
                {
                    spec.Add(key + new string(' ', indent) + "preStop:");
                    spec.Add(key + new string(' ', 2 * indent) + "sleep:");
                    spec.Add(key + new string(' ', 3 * indent) + $"seconds: {preStopSeconds}");
                }
                else
                {
                    spec.Add(key + new string(' ', indent) + "preStop: {" + hook + "}");
                }
            }
        }

        if (grace > 0)
        {
            spec.Add(Pad(3) + $"terminationGracePeriodSeconds: {grace}");
        }

        deployment.Add("spec:");
        deployment.AddRange(spec);

        var service = new List<string>
        {
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            Pad(1) + "name: web",
            "spec:",
            Pad(1) + "selector:",
            Pad(2) + "app: web",
            Pad(1) + "ports:",
            Item(1) + "port: 80",
            Pad(ItemLevel(1)) + "  targetPort: 8080",
        };
        var budget = new List<string>
        {
            "apiVersion: policy/v1",
            "kind: PodDisruptionBudget",
            "metadata: {name: web}",
            "spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}",
        };

        var documents = serviceFirst ? new List<List<string>> { service, deployment } : [deployment, service];
        if (pdb)
        {
            documents.Add(budget);
        }

        var lines = new List<string>();
        if (leadingSeparator)
        {
            lines.Add("---");
        }

        for (var i = 0; i < documents.Count; i++)
        {
            if (i > 0)
            {
                lines.Add("---");
            }

            lines.AddRange(documents[i]);
        }

        var newline = Crlf ? "\r\n" : "\n";
        var text = new StringBuilder(string.Join(newline, lines));
        if (FinalNewline)
        {
            text.Append(newline);
        }

        return text.ToString();
    }
}
