// Evaluates the ValidatingAdmissionPolicies that 'handoff policy' prints against objects, offline, with
// @bufbuild/cel (a CEL implementation conformance-tested against cel-spec), the way the API server does it
// (k8s.io/apiserver/pkg/admission/plugin/policy/validating): the binding's param object is 'params'; the request's
// object is 'object'; a policy applies when a resourceRule names the object's resource and every matchCondition is
// true; 'variables' are evaluated lazily, each at most once, when an expression reads them; then each validation.
//
// Input (stdin, JSON): { "documents": [ ...every document of the policy output... ],
//                        "cases": [ { "id": "...", "object": { ...a workload... } } ],
//                        "mode": "validate" (default) or "mutate", "schema": { ...apply configuration facts, for "mutate" } }
// Output (stdout, JSON): validate: [ { "id", "policy", "rule", "passed" (true/false/null on error), "message", "error" } ]
//                        mutate:   [ { "id", "policy", "object" (after every mutation), "patches" (the apply configurations), "error" } ]
// Integers in the input become CEL ints (BigInt), as the API server types them from the OpenAPI schema.
//
// Mutation (k8s.io/apiserver/pkg/admission/plugin/policy/mutating): a MutatingAdmissionPolicy's mutations run in order,
// each on the object the previous one left, with the variables evaluated afresh on that object (the dispatcher builds a
// new lazy variable map per evaluation). An ApplyConfiguration expression builds typed objects ('Object{...}',
// 'Object.spec{...}'); @bufbuild/cel has no such types, so this STAND-IN FOR THE API SERVER rewrites each typed
// initializer into a map that remembers its type name, checks what the API server checks (the type names follow the
// field path, CheckTypeNamesMatchFieldPathNames; every field is in the schema; no atomic struct, map or list is set,
// validatePatch) against the OpenAPI facts in "schema", and merges the result as server-side apply does for the fields
// the policy writes (structs field by field, list-type map lists by their keys, scalars replaced). Defaulting after
// each mutation is not run: the expressions read defaults themselves (a missing grace period is 30 s).
import { celEnv, isCelError, isCelList, isCelMap, plan, parse } from "@bufbuild/cel";
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
    const ast = parse(expression);
    untypeInitializers(ast.expr);
    program = plan(env, ast);
    compiled.set(expression, program);
  }
  return program;
}

// 'Object.spec{a: 1}' becomes {'@type': 'Object.spec', 'a': 1}; the '@type' key cannot clash with a field name.
const typeKey = "@type";
let nextId = 1n << 40n;
function stringConstant(text) {
  return { $typeName: "cel.expr.Expr", id: nextId++, exprKind: { case: "constExpr", value: { $typeName: "cel.expr.Constant", constantKind: { case: "stringValue", value: text } } } };
}
function untypeInitializers(node) {
  if (node === null || typeof node !== "object") {
    return;
  }
  if (node.$typeName === "cel.expr.Expr.CreateStruct" && node.messageName) {
    for (const entry of node.entries) {
      if (entry.keyKind.case === "fieldKey") {
        entry.keyKind = { case: "mapKey", value: stringConstant(entry.keyKind.value) };
      }
    }
    node.entries.unshift({ $typeName: "cel.expr.Expr.CreateStruct.Entry", id: nextId++, keyKind: { case: "mapKey", value: stringConstant(typeKey) }, value: stringConstant(node.messageName), optionalEntry: false });
    node.messageName = "";
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      value.forEach(untypeInitializers);
    } else if (value && typeof value === "object") {
      untypeInitializers(value);
    }
  }
}

function toPlain(value) {
  if (isCelMap(value)) {
    const result = {};
    for (const [key, entry] of value.entries()) {
      result[key] = toPlain(entry);
    }
    return result;
  }
  if (isCelList(value)) {
    const result = [];
    for (let i = 0; i < value.size; i++) {
      result.push(toPlain(value.get(i)));
    }
    return result;
  }
  return value;
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
if (input.mode === "mutate") {
  // Written once, and the process left to end by itself so that the pipe is drained (process.exit may cut it).
  process.stdout.write(JSON.stringify(mutateAll(), (_key, value) => typeof value === "bigint" ? Number(value) : value, 1));
} else {
  process.stdout.write(JSON.stringify(validateAll(), null, 1));
}

// The (case, policy, params) the API server evaluates: a resource rule of the policy names the case's resource, and its
// binding's paramRef names the param object. The API server sets metadata.namespace from the request's namespace before
// admission (EnsureObjectNamespaceMatchesRequestNamespace); kubectl sends 'default' when none is given.
function* invocations(policyKind) {
  const policies = documents.filter(d => d.kind === policyKind);
  const bindings = documents.filter(d => d.kind === `${policyKind}Binding`);
  const paramObjects = documents.filter(d => d.kind === "ConfigMap");
  for (const testCase of input.cases) {
    testCase.object.metadata ??= {};
    testCase.object.metadata.namespace ??= testCase.namespace ?? "default";
    for (const policy of policies) {
      const binding = bindings.find(b => b.spec.policyName === policy.metadata.name);
      const params = paramObjects.find(p => p.metadata.name === binding.spec.paramRef.name && p.metadata.namespace === binding.spec.paramRef.namespace);
      const resource = kindToResource[testCase.object.kind];
      if (policy.spec.matchConstraints.resourceRules.some(r => r.resources.includes(resource))) {
        yield { testCase, policy, params };
      }
    }
  }
}

// Every matchCondition true (evaluated before the variables, which they may not read).
function conditionsHold(policy, scope) {
  return (policy.spec.matchConditions ?? []).every(c => evaluate(c.expression, scope) === true);
}

function validateAll() {
  const results = [];
  for (const { testCase, policy, params } of invocations("ValidatingAdmissionPolicy")) {
    const scope = scopeFor(policy, testCase.object, params);
    if (!conditionsHold(policy, scope)) {
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
  return results;
}

function mutateAll() {
  const schema = input.schema;
  const rows = [];
  for (const { testCase, policy, params } of invocations("MutatingAdmissionPolicy")) {
    const row = { id: testCase.id, policy: policy.metadata.name, object: null, patches: [], error: null };
    try {
      let object = structuredClone(testCase.object);
      if (conditionsHold(policy, scopeFor(policy, object, params))) {
        for (const mutation of policy.spec.mutations) {
          if (mutation.patchType !== "ApplyConfiguration") {
            throw new Error(`patchType ${mutation.patchType} is not evaluated by this stand-in`);
          }
          const patch = toPlain(evaluate(mutation.applyConfiguration.expression, scopeFor(policy, object, params)));
          checkApplyConfiguration(patch, "Object", schema.roots[object.kind], schema);
          row.patches.push(untyped(patch));
          object = merge(object, untyped(patch), schema.roots[object.kind], schema);
        }
      }
      row.object = object;
    } catch (e) {
      row.error = String(e?.message ?? e);
    }
    rows.push(row);
  }
  return rows;
}

function fieldFact(schema, definition, field) {
  const fact = schema.definitions[definition]?.[field];
  return typeof fact === "string" ? { type: fact } : fact;
}

// What the API server checks before merging an apply configuration (patch/smd.go): the initializers' type names follow
// the field path, every field is one the schema has, and no atomic struct, map or list is set.
function checkApplyConfiguration(value, typeName, definition, schema) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${typeName}: an apply configuration must be an Object initializer`);
  }
  if (value[typeKey] !== typeName) {
    throw new Error(`type mismatch: '${value[typeKey]}' initializes the field path '${typeName}'`);
  }
  if (schema.atomic.includes(definition)) {
    throw new Error(`may not mutate atomic arrays, maps or structs: ${typeName}`);
  }
  for (const [field, fieldValue] of Object.entries(value)) {
    if (field === typeKey) {
      continue;
    }
    const fact = fieldFact(schema, definition, field);
    if (!fact) {
      throw new Error(`${typeName}.${field} is not a field of ${definition} in the schema facts`);
    }
    const path = `${typeName}.${field}`;
    if (fact.type.startsWith("[]")) {
      if (!Array.isArray(fieldValue) || fact.listType !== "map") {
        throw new Error(`may not mutate atomic arrays, maps or structs: ${path}`);
      }
      for (const item of fieldValue) {
        checkApplyConfiguration(item, path, fact.type.slice(2), schema);
        for (const key of fact.listMapKeys) {
          if (!(key in item)) {
            throw new Error(`${path}: an item needs its list map key '${key}'`);
          }
        }
      }
    } else if (fact.type === "integer") {
      if (typeof fieldValue !== "bigint") {
        throw new Error(`${path} must be an int, not ${typeof fieldValue}`);
      }
    } else if (fact.type === "string") {
      if (typeof fieldValue !== "string") {
        throw new Error(`${path} must be a string`);
      }
    } else {
      checkApplyConfiguration(fieldValue, path, fact.type, schema);
    }
  }
}

function untyped(value) {
  if (Array.isArray(value)) {
    return value.map(untyped);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== typeKey).map(([k, v]) => [k, untyped(v)]));
  }
  return value;
}

// Server-side apply's merge of the fields an apply configuration sets: structs field by field, list-type map lists by
// their keys (a new key is appended), scalars replaced.
function merge(live, patch, definition, schema) {
  const result = { ...(live ?? {}) };
  for (const [field, value] of Object.entries(patch)) {
    const fact = fieldFact(schema, definition, field);
    if (fact.type.startsWith("[]")) {
      const items = [...(result[field] ?? [])];
      for (const item of value) {
        const at = items.findIndex(i => fact.listMapKeys.every(k => i[k] === item[k]));
        if (at >= 0) {
          items[at] = merge(items[at], item, fact.type.slice(2), schema);
        } else {
          items.push(merge({}, item, fact.type.slice(2), schema));
        }
      }
      result[field] = items;
    } else if (fact.type === "integer" || fact.type === "string") {
      result[field] = value;
    } else {
      result[field] = merge(result[field], value, fact.type, schema);
    }
  }
  return result;
}
