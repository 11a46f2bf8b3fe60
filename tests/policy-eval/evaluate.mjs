// Evaluates the ValidatingAdmissionPolicies that 'handoff policy' prints against objects, offline, with
// @bufbuild/cel (a CEL implementation conformance-tested against cel-spec), the way the API server does it
// (k8s.io/apiserver/pkg/admission/plugin/policy/validating): the binding's param object is 'params'; the request's
// object is 'object'; a policy applies when a resourceRule names the object's resource and every matchCondition is
// true; 'variables' are evaluated lazily, each at most once, when an expression reads them; then each validation.
//
// Input (stdin, JSON): { "documents": [ ...every document of the policy output... ],
//                        "cases": [ { "id": "...", "object": { ...a workload... } } ] }
// Output (stdout, JSON): [ { "id", "policy", "rule", "passed" (true/false/null on error), "message", "error" } ]
// Integers in the input become CEL ints (BigInt), as the API server types them from the OpenAPI schema.
import { celEnv, isCelError, plan, parse } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"), (_key, value) =>
  typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value);

const kindToResource = { Deployment: "deployments", StatefulSet: "statefulsets", DaemonSet: "daemonsets", ReplicaSet: "replicasets" };
const env = celEnv({ funcs: strings });
const compiled = new Map();
function compile(expression) {
  let program = compiled.get(expression);
  if (!program) {
    program = plan(env, parse(expression));
    compiled.set(expression, program);
  }
  return program;
}

function evaluate(expression, scope) {
  const needed = [...expression.matchAll(/variables\.([A-Za-z_][A-Za-z0-9_]*)/g)].map(m => m[1]);
  const variables = {};
  for (const name of needed) {
    variables[name] = scope.variable(name);
  }
  const result = compile(expression)({ object: scope.object, params: scope.params, request: scope.request, variables });
  if (isCelError(result)) {
    throw new Error(result.message);
  }
  return result;
}

function scopeFor(policy, object, params) {
  const definitions = new Map((policy.spec.variables ?? []).map(v => [v.name, v.expression]));
  const values = new Map();
  const scope = {
    object: object,
    params: params,
    request: { operation: "CREATE", kind: { group: "apps", version: "v1", kind: object.kind } },
    variable(name) {
      if (!values.has(name)) {
        if (!definitions.has(name)) {
          throw new Error(`no variable '${name}'`);
        }
        values.set(name, { pending: true });
        values.set(name, { value: evaluate(definitions.get(name), scope) });
      }
      const entry = values.get(name);
      if (entry.pending) {
        throw new Error(`variable '${name}' reads itself`);
      }
      return entry.value;
    },
  };
  return scope;
}

const documents = input.documents;
const policies = documents.filter(d => d.kind === "ValidatingAdmissionPolicy");
const bindings = documents.filter(d => d.kind === "ValidatingAdmissionPolicyBinding");
const paramObjects = documents.filter(d => d.kind === "ConfigMap");
const results = [];
for (const testCase of input.cases) {
  // The API server sets metadata.namespace from the request's namespace before admission
  // (EnsureObjectNamespaceMatchesRequestNamespace); kubectl sends 'default' when none is given.
  testCase.object.metadata ??= {};
  testCase.object.metadata.namespace ??= testCase.namespace ?? "default";
  for (const policy of policies) {
    const binding = bindings.find(b => b.spec.policyName === policy.metadata.name);
    const params = paramObjects.find(p => p.metadata.name === binding.spec.paramRef.name && p.metadata.namespace === binding.spec.paramRef.namespace);
    const resource = kindToResource[testCase.object.kind];
    const matched = policy.spec.matchConstraints.resourceRules.some(r => r.resources.includes(resource));
    if (!matched) {
      continue;
    }
    const scope = scopeFor(policy, testCase.object, params);
    let applies = true;
    for (const condition of policy.spec.matchConditions ?? []) {
      const value = evaluate(condition.expression, scope);
      if (value !== true) {
        applies = false;
      }
    }
    if (!applies) {
      continue;
    }
    for (const validation of policy.spec.validations) {
      const rule = validation.message.split(" ")[0];
      const row = { id: testCase.id, policy: policy.metadata.name, rule, passed: null, message: null, error: null };
      try {
        const passed = evaluate(validation.expression, scope);
        if (typeof passed !== "boolean") {
          throw new Error(`the expression gave ${typeof passed}, not a bool`);
        }
        row.passed = passed;
        if (!passed) {
          const message = evaluate(validation.messageExpression, scope);
          row.message = typeof message === "string" ? message : null;
          if (row.message === null) {
            row.error = "messageExpression did not give a string";
          }
        }
      } catch (e) {
        row.error = String(e?.message ?? e);
      }
      results.push(row);
    }
  }
}
process.stdout.write(JSON.stringify(results, null, 1));
