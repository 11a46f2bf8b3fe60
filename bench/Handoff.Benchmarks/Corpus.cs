using System.Globalization;
using System.Text;

namespace Handoff.Benchmarks;

/// <summary>Generates a realistic manifest corpus: per app a Deployment, a Service, a PodDisruptionBudget and an Ingress.</summary>
public static class Corpus
{
    /// <summary>Returns YAML with <paramref name="resources"/> objects (a multiple of 4) spread over 50 namespaces.</summary>
    public static string Generate(int resources)
    {
        var sb = new StringBuilder(resources * 700);
        for (var app = 0; app < resources / 4; app++)
        {
            var ns = "team-" + (app % 50).ToString(CultureInfo.InvariantCulture);
            var name = "svc-" + app.ToString(CultureInfo.InvariantCulture);
            var preStop = app % 3 == 0 ? string.Empty : $"""
                          lifecycle:
                            preStop:
                              sleep:
                                seconds: {5 + (app % 20)}

                """;
            sb.Append(CultureInfo.InvariantCulture, $"""
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {name}
                  namespace: {ns}
                  labels:
                    app: {name}
                spec:
                  replicas: {1 + (app % 5)}
                  selector:
                    matchLabels:
                      app: {name}
                  template:
                    metadata:
                      labels:
                        app: {name}
                    spec:
                      terminationGracePeriodSeconds: {30 + (app % 4) * 10}
                      containers:
                        - name: app
                          image: registry.example.com/{name}:1.{app % 10}
                          ports:
                            - name: http
                              containerPort: 8080
                {preStop}          readinessProbe:
                            httpGet:
                              path: /healthz/ready
                              port: http
                          livenessProbe:
                            httpGet:
                              path: {(app % 4 == 0 ? "/" : "/healthz/live")}
                              port: http
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: {name}
                  namespace: {ns}
                spec:
                  selector:
                    app: {name}
                  ports:
                    - name: http
                      port: 80
                      targetPort: http
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: {name}
                  namespace: {ns}
                spec:
                  maxUnavailable: 1
                  selector:
                    matchLabels:
                      app: {name}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: {name}
                  namespace: {ns}
                spec:
                  ingressClassName: nginx
                  rules:
                    - host: {name}.example.com
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: {name}
                                port:
                                  number: 80

                """);
        }

        return sb.ToString();
    }
}
