// Checks rendered Kubernetes manifests against the Kubernetes API schemas, without a cluster.
//
//   node validate.mjs <manifests.yaml>
//
// Prints one JSON document: { "objects": [...every object, as JSON...], "problems": ["Kind/name: ...", ...] } and
// exits 0 when it could read the file (the caller judges the problems), 2 when it could not.
//
// Two checks, from two generations of the Kubernetes OpenAPI:
// - kubernetes-models' JSON schemas: types, required fields, enums and formats;
// - @kubernetes/client-node's models: every field name known, so a misspelt field (which the schemas let through,
//   and which a cluster would reject or, worse, silently drop) is a problem too.
import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import * as client from "@kubernetes/client-node";

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs <manifests.yaml>");
  process.exit(2);
}

let documents;
try {
  documents = parseAllDocuments(await readFile(path, "utf8"));
} catch (error) {
  console.error(`cannot read ${path}: ${error.message}`);
  process.exit(2);
}

const objects = [];
const problems = [];
for (const document of documents) {
  if (document.errors.length > 0) {
    problems.push(...document.errors.map((e) => `YAML: ${e.message}`));
    continue;
  }
  const object = document.toJS();
  if (object === null || object === undefined) continue;
  objects.push(object);
  const where = `${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    problems.push(`${where}: apiVersion and kind are required`);
    continue;
  }
  for (const problem of await againstSchema(object)) problems.push(`${where}: ${problem}`);
  for (const problem of unknownFields(object)) problems.push(`${where}: ${problem}`);
}

console.log(JSON.stringify({ objects, problems }));

async function againstSchema(object) {
  let group;
  try {
    group = await import(`kubernetes-models/${object.apiVersion}`);
  } catch {
    return [`no schema for apiVersion ${object.apiVersion}`];
  }
  const Model = group[object.kind];
  if (typeof Model !== "function") return [`no schema for ${object.kind} in ${object.apiVersion}`];
  try {
    new Model(asTheApiServerReadsIt(object)).validate();
    return [];
  } catch (error) {
    if (!Array.isArray(error.errors)) return [error.message];
    return error.errors.map((e) => `${e.instancePath || "/"} ${e.message}${detail(e.params)}`);
  }
}

// The API server decodes a Secret's base64 the way Go does, skipping line breaks; kustomize breaks long values.
function asTheApiServerReadsIt(object) {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(Object.entries(object.data).map(([key, value]) => [key, String(value).replace(/[\r\n]/g, "")]));
  return { ...object, data };
}

function detail(params) {
  if (params?.allowedValues) return ` (${params.allowedValues.join(", ")})`;
  return "";
}

function unknownFields(object) {
  const version = object.apiVersion.split("/").pop();
  const typeName = `${version[0].toUpperCase()}${version.slice(1)}${object.kind}`;
  if (typeof client[typeName]?.getAttributeTypeMap !== "function") return [`no model ${typeName} to check field names against`];
  const found = [];
  walk(object, typeName, "", found);
  return found;
}

function walk(value, type, at, found) {
  if (value === null || typeof value !== "object") return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, array[1], `${at}/${i}`, found));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value)) walk(item, map[1], `${at}/${key}`, found);
    return;
  }
  const model = client[type];
  if (typeof model?.getAttributeTypeMap !== "function") return; // a scalar, IntOrString, a quantity, free-form JSON
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!attributes.has(key)) found.push(`${at}/${key} is not a field of ${type}`);
    else walk(item, attributes.get(key), `${at}/${key}`, found);
  }
}
