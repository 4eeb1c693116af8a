import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Root of the repository and of the kustomize tree. */
export const ROOT = resolve(__dirname, '..', '..');
export const K8S_ROOT = join(ROOT, 'deploy', 'k8s');

/** A Kubernetes object as written in a manifest (only the fields every object has are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** One object and the file it came from (a path relative to the repository root). */
export interface Located<T> {
  file: string;
  object: T;
}

export interface KustomizePatch {
  path?: string;
  patch?: string;
  target?: { kind?: string; name?: string };
}

/** A kustomization.yaml (a Kustomization or a Component) with the lists the tests read. */
export interface KustomizationFile {
  dir: string;
  file: string;
  kind: 'Kustomization' | 'Component';
  apiVersion: string;
  resources: string[];
  components: string[];
  patches: KustomizePatch[];
  secretGenerator: { name: string; literals?: string[] }[];
  images: { name: string; newName?: string; newTag?: string }[];
  replicas: { name: string; count: number }[];
  namespace?: string;
}

/** Every file below `dir` whose name ends in .yaml or .yml. */
export function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listYamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out.sort();
}

/** Every document of a YAML file; a syntax error or warning throws, naming the file. */
export function parseYamlFile(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const problems = list.flatMap((d) => [...d.errors, ...d.warnings]);
  if (problems.length > 0) throw new Error(`${rel(file)}: ${problems.map((p) => p.message).join('; ')}`);
  return list.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
}

export function rel(path: string): string {
  return relative(ROOT, path);
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error(`${what} must be a list of strings`);
  return value as string[];
}

/** Reads one kustomization.yaml, checking the shape of the lists the tests rely on. */
export function readKustomization(file: string): KustomizationFile {
  const [doc, ...rest] = parseYamlFile(file) as Record<string, unknown>[];
  if (!doc || rest.length > 0) throw new Error(`${rel(file)}: expected exactly one document`);
  const kind = doc['kind'];
  if (kind !== 'Kustomization' && kind !== 'Component') throw new Error(`${rel(file)}: kind ${String(kind)}`);
  return {
    dir: dirname(file),
    file,
    kind,
    apiVersion: String(doc['apiVersion']),
    resources: stringList(doc['resources'], `${rel(file)} resources`),
    components: stringList(doc['components'], `${rel(file)} components`),
    patches: (doc['patches'] as KustomizePatch[] | undefined) ?? [],
    secretGenerator: (doc['secretGenerator'] as KustomizationFile['secretGenerator'] | undefined) ?? [],
    images: (doc['images'] as KustomizationFile['images'] | undefined) ?? [],
    replicas: (doc['replicas'] as KustomizationFile['replicas'] | undefined) ?? [],
    namespace: doc['namespace'] as string | undefined,
  };
}

/** The whole deploy/k8s tree: its kustomizations, the files they name, and the objects in them. */
export interface ManifestTree {
  kustomizations: KustomizationFile[];
  /** Files listed under `resources` (complete objects). */
  resourceFiles: string[];
  /** Files listed under `patches[].path` (partial objects merged into others). */
  patchFiles: string[];
  objects: Located<K8sObject>[];
  patchObjects: Located<K8sObject>[];
}

export function loadManifestTree(root = K8S_ROOT): ManifestTree {
  const kustomizations = listYamlFiles(root)
    .filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f))
    .map(readKustomization);
  const resourceFiles = new Set<string>();
  const patchFiles = new Set<string>();
  for (const k of kustomizations) {
    for (const r of k.resources) {
      const path = resolve(k.dir, r);
      if (existsSync(path) && statSync(path).isFile()) resourceFiles.add(path);
    }
    for (const p of k.patches) if (p.path) patchFiles.add(resolve(k.dir, p.path));
  }
  const load = (files: Set<string>): Located<K8sObject>[] =>
    [...files].sort().flatMap((file) => parseYamlFile(file).map((object) => ({ file: rel(file), object: object as K8sObject })));
  return {
    kustomizations,
    resourceFiles: [...resourceFiles].sort(),
    patchFiles: [...patchFiles].sort(),
    objects: load(resourceFiles),
    patchObjects: load(patchFiles),
  };
}

/** The parts of a container and a pod the tests read. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  grpc?: { port: number; service?: string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: unknown[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: object }[];
}

export interface DeploymentObject extends K8sObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

export function isDeployment(o: K8sObject): o is DeploymentObject {
  return o.kind === 'Deployment';
}

/** `node apps/<app>/dist/main.js` → `<app>`; undefined for a container that runs no app of ours. */
export function appOf(container: Container): string | undefined {
  const command = container.command ?? [];
  const match = command.length === 2 && command[0] === 'node' ? /^apps\/([a-z-]+)\/dist\/main\.js$/.exec(command[1] ?? '') : null;
  return match?.[1];
}
