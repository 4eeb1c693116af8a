/**
 * The Kubernetes manifests in deploy/k8s, checked without a cluster or kubectl: every file parses,
 * every kustomization names files that exist, every object passes its API schema
 * (kubernetes-models, @kubernetes-models/keda), and the manifests agree with the code they deploy:
 * KEDA's stream and consumer names are the ones in libs/messaging/src/subjects.ts, every env var
 * set is one the app's config schema reads and every value passes it, ports, probes and Services
 * line up, and every container runs unprivileged with limits and probes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { billingConfigSchema } from '../../apps/billing/src/config/billing.config';
import { chatConfigSchema } from '../../apps/chat-service/src/config/chat.config';
import { exportConfigSchema } from '../../apps/export-service/src/config/export.config';
import { gatewayEnvSchema } from '../../apps/gateway/src/config/gateway.config';
import { workerEnvSchema } from '../../apps/ocr-worker/src/config/worker.config';
import { CONSUMERS, STREAMS } from '../../libs/messaging/src/subjects';
import { qualifiedServiceName, type GrpcServiceKey } from '../../libs/proto/src/grpc';
import { parseObjectStoreUrl } from '../../libs/storage/src/object-store.factory';
import {
  appOf,
  Container,
  DeploymentObject,
  EnvVar,
  isDeployment,
  K8S_ROOT,
  K8sObject,
  listYamlFiles,
  loadManifestTree,
  Located,
  ManifestTree,
  parseYamlFile,
  rel,
  ROOT,
} from './manifest.loader';

/** What the tests need of a zod object schema. */
interface EnvSchema {
  shape: Record<string, unknown>;
  safeParse(value: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Each app's environment schema: the names it reads and how it validates them. */
const APP_ENV: Record<string, EnvSchema> = {
  gateway: gatewayEnvSchema,
  'ocr-worker': workerEnvSchema,
  billing: billingConfigSchema,
  'export-service': exportConfigSchema,
  'chat-service': chatConfigSchema,
};

/** The gRPC apps: the health service name their readiness probe asks for, and their listen variable. */
const GRPC_APPS: Record<string, { key: GrpcServiceKey; listenVar: string }> = {
  billing: { key: 'billing', listenVar: 'BILLING_GRPC_URL' },
  'export-service': { key: 'export', listenVar: 'EXPORT_GRPC_URL' },
  'chat-service': { key: 'chat', listenVar: 'CHAT_GRPC_URL' },
};

/** Values standing in for the Secret `ocr-secrets`, which is never committed (deploy/k8s/README.md). */
const SECRET_PLACEHOLDERS: Record<string, string> = {
  DATABASE_URL: 'postgres://ocr:placeholder@postgres.example:5432/ocr',
  STORAGE_URL: 's3://key:placeholder@s3.example.com/ocr',
};

/** Validates one object against its API schema; throws naming the problem. */
type Validator = (object: K8sObject) => void;

async function loadValidators(): Promise<Record<string, Validator>> {
  const core = await import('kubernetes-models/v1');
  const apps = await import('kubernetes-models/apps/v1');
  const networking = await import('kubernetes-models/networking.k8s.io/v1');
  const keda = await import('@kubernetes-models/keda/keda.sh/v1alpha1');
  const v =
    <T extends { validate(): void }>(Model: new (data: never) => T): Validator =>
    (object) =>
      new Model(object as never).validate();
  return {
    'v1/ConfigMap': v(core.ConfigMap),
    'v1/Secret': v(core.Secret),
    'v1/Service': v(core.Service),
    'v1/ServiceAccount': v(core.ServiceAccount),
    'v1/Namespace': v(core.Namespace),
    'apps/v1/Deployment': v(apps.Deployment),
    'networking.k8s.io/v1/NetworkPolicy': v(networking.NetworkPolicy),
    'keda.sh/v1alpha1/ScaledObject': v(keda.ScaledObject),
  };
}

const tree: ManifestTree = loadManifestTree();
const deployments = tree.objects.filter((o): o is Located<DeploymentObject> => isDeployment(o.object));
const ofKind = (kind: string) => tree.objects.filter((o) => o.object.kind === kind);
const kustomization = (dir: string) => {
  const found = tree.kustomizations.find((k) => k.dir === join(K8S_ROOT, dir));
  if (!found) throw new Error(`no kustomization in deploy/k8s/${dir}`);
  return found;
};
/** Every container of every Deployment, with its Deployment. */
const containers = deployments.flatMap(({ file, object }) =>
  [...object.spec.template.spec.containers, ...(object.spec.template.spec.initContainers ?? [])].map((container) => ({ file, deployment: object, container })),
);
const appContainers = containers.flatMap((c) => {
  const app = appOf(c.container);
  return app ? [{ ...c, app }] : [];
});
const baseDeployment = (name: string) => {
  const found = deployments.find((d) => d.object.metadata.name === name && d.file.startsWith('deploy/k8s/base/'));
  if (!found) throw new Error(`no Deployment ${name} in deploy/k8s/base`);
  return found.object;
};
const mainContainer = (d: DeploymentObject) => d.spec.template.spec.containers[0]!;
const envValue = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;
const configMaps = ofKind('ConfigMap').map((o) => o.object as K8sObject & { data?: Record<string, string> });

/** The environment a container would see, with Secret values replaced by placeholders. */
function resolveEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) env[e.name] = resolveVar(e);
  return env;
}

function resolveVar(e: EnvVar): string {
  if (e.value !== undefined) return e.value;
  const cm = e.valueFrom?.configMapKeyRef;
  if (cm) {
    const value = configMaps.find((m) => m.metadata.name === cm.name)?.data?.[cm.key];
    if (value === undefined) throw new Error(`${e.name}: ConfigMap ${cm.name} has no key ${cm.key}`);
    return value;
  }
  const secret = e.valueFrom?.secretKeyRef;
  if (secret) {
    const value = SECRET_PLACEHOLDERS[secret.key];
    if (value === undefined) throw new Error(`${e.name}: Secret key ${secret.name}/${secret.key} is not one the README documents`);
    return value;
  }
  if (e.valueFrom?.fieldRef) return 'pod-name';
  throw new Error(`${e.name}: no value and no supported valueFrom`);
}

/** `host:port` → its parts. */
function hostPort(address: string): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(address);
  if (!match) throw new Error(`${address} is not host:port`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** The port number a probe or Service names, resolving a named container port. */
function portNumber(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

describe('deploy/k8s manifests', () => {
  let validators: Record<string, Validator>;
  beforeAll(async () => {
    validators = await loadValidators();
  });

  describe('files and kustomizations', () => {
    it('every YAML file parses', () => {
      const files = listYamlFiles(K8S_ROOT);
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) expect(() => parseYamlFile(file)).not.toThrow();
    });

    it('has the layout of the design: base, three components and three overlays', () => {
      const dirs = tree.kustomizations.map((k) => rel(k.dir)).sort();
      expect(dirs).toEqual(
        [
          'base',
          'components/gpu-vlm-pool',
          'components/keda',
          'components/network-policies',
          'overlays/dev',
          'overlays/local',
          'overlays/production',
        ].map((d) => `deploy/k8s/${d}`),
      );
      for (const k of tree.kustomizations) {
        const isComponent = rel(k.dir).startsWith('deploy/k8s/components/');
        expect({ dir: rel(k.dir), kind: k.kind }).toEqual({ dir: rel(k.dir), kind: isComponent ? 'Component' : 'Kustomization' });
        expect(k.apiVersion).toBe(isComponent ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1');
      }
    });

    it('every resource, component and patch a kustomization lists exists', () => {
      const missing: string[] = [];
      for (const k of tree.kustomizations) {
        for (const r of k.resources) {
          const path = resolve(k.dir, r);
          const ok = existsSync(path) && (statSync(path).isFile() || existsSync(join(path, 'kustomization.yaml')));
          if (!ok) missing.push(`${rel(k.file)}: resource ${r}`);
        }
        for (const c of k.components) {
          const path = join(resolve(k.dir, c), 'kustomization.yaml');
          if (!existsSync(path) || parseYamlFile(path).some((d) => (d as K8sObject).kind !== 'Component')) {
            missing.push(`${rel(k.file)}: component ${c} (no kustomization.yaml of kind Component)`);
          }
        }
        for (const p of k.patches) {
          if (p.path && !existsSync(resolve(k.dir, p.path))) missing.push(`${rel(k.file)}: patch ${p.path}`);
          if (!p.path && !p.patch) missing.push(`${rel(k.file)}: a patch with neither path nor patch`);
        }
      }
      expect(missing).toEqual([]);
    });

    it('every YAML file is used by a kustomization (no forgotten manifest)', () => {
      const used = new Set([...tree.resourceFiles, ...tree.patchFiles, ...tree.kustomizations.map((k) => k.file)]);
      expect(listYamlFiles(K8S_ROOT).filter((f) => !used.has(f)).map(rel)).toEqual([]);
    });

    it('the overlays combine base and components as documented', () => {
      const names = (list: string[]) => list.map((p) => p.replace(/^(\.\.\/)+/, ''));
      expect(names(kustomization('overlays/local').resources)).toEqual(['base']);
      expect(names(kustomization('overlays/local').components)).toEqual(['components/network-policies']);
      expect(names(kustomization('overlays/production').resources)).toContain('base');
      expect(names(kustomization('overlays/production').components).sort()).toEqual(['components/keda', 'components/network-policies']);
      expect(names(kustomization('overlays/dev').resources)).toContain('base');
    });

    it('names are unique per kind within the base, each component and each overlay', () => {
      const seen = new Map<string, string>();
      const duplicates: string[] = [];
      for (const { file, object } of tree.objects) {
        const key = `${dirname(file)} ${object.kind}/${object.metadata.name}`;
        if (seen.has(key)) duplicates.push(`${key} in ${seen.get(key)} and ${file}`);
        seen.set(key, file);
      }
      expect(duplicates).toEqual([]);
    });
  });

  describe('API schemas', () => {
    it('every object passes the schema of its kind (kubernetes-models, @kubernetes-models/keda)', () => {
      const failures: string[] = [];
      for (const { file, object } of tree.objects) {
        const validate = validators[`${object.apiVersion}/${object.kind}`];
        if (!validate) {
          failures.push(`${file}: ${object.apiVersion}/${object.kind} has no validator here (add one)`);
          continue;
        }
        try {
          validate(object);
        } catch (error) {
          failures.push(`${file}: ${object.kind}/${object.metadata?.name}: ${(error as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
      expect(tree.objects.length).toBeGreaterThan(20);
    });

    it('the validation catches a broken Deployment and a broken ScaledObject (the check can fail)', () => {
      const deployment = structuredClone(baseDeployment('gateway'));
      (mainContainer(deployment).ports![0] as { containerPort: unknown }).containerPort = 'eighty';
      expect(() => validators['apps/v1/Deployment']!(deployment)).toThrow(/containerPort/);
      const scaled = structuredClone(ofKind('ScaledObject')[0]!.object) as K8sObject & { spec: { triggers: { metadata: Record<string, unknown> }[] } };
      scaled.spec.triggers[0]!.metadata['stream'] = 42;
      expect(() => validators['keda.sh/v1alpha1/ScaledObject']!(scaled)).toThrow(/stream/);
    });

    it('patch files target an object of the same kind and name that exists', () => {
      for (const { file, object } of tree.patchObjects) {
        const target = tree.objects.find((o) => o.object.kind === object.kind && o.object.metadata.name === object.metadata.name);
        expect({ file, target: target?.file ?? 'missing' }).toEqual({ file, target: expect.stringMatching(/^deploy\/k8s\//) });
      }
    });
  });

  describe('KEDA', () => {
    const scaled = () => {
      const list = ofKind('ScaledObject');
      expect(list.map((o) => o.file)).toEqual(['deploy/k8s/components/keda/ocr-worker-scaledobject.yaml']);
      return list[0]!.object as K8sObject & {
        spec: {
          scaleTargetRef: { kind?: string; name: string };
          minReplicaCount: number;
          maxReplicaCount: number;
          triggers: { type: string; metadata: Record<string, string> }[];
        };
      };
    };

    it('one nats-jetstream trigger per priority lane, on the names defined in libs/messaging/src/subjects.ts', () => {
      const { triggers } = scaled().spec;
      expect(triggers.map((t) => t.type)).toEqual(triggers.map(() => 'nats-jetstream'));
      expect(triggers.map((t) => t.metadata['stream'])).toEqual(triggers.map(() => STREAMS.tasks));
      expect(triggers.map((t) => t.metadata['consumer']).sort()).toEqual(Object.values(CONSUMERS.ocrWorker.cpu).sort());
      for (const t of triggers) {
        expect(t.metadata['natsServerMonitoringEndpoint']).toMatch(/^[a-z0-9.-]+:8222$/);
        expect(Number(t.metadata['lagThreshold'])).toBeGreaterThan(0);
      }
    });

    it('scales the cpu worker Deployment, which serves the tier those consumers belong to', () => {
      const { scaleTargetRef, minReplicaCount, maxReplicaCount } = scaled().spec;
      expect(scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
      const worker = baseDeployment(scaleTargetRef.name);
      const container = mainContainer(worker);
      expect(appOf(container)).toBe('ocr-worker');
      expect(workerEnvSchema.shape.WORKER_TIER.parse(envValue(container, 'WORKER_TIER'))).toBe('cpu');
      expect(minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(maxReplicaCount).toBeGreaterThan(minReplicaCount);
    });

    it('no manifest sets NATS_NAMESPACE, which would rename the stream KEDA watches', () => {
      const setters = appContainers.filter((c) => (c.container.env ?? []).some((e) => e.name === 'NATS_NAMESPACE')).map((c) => c.file);
      expect(setters).toEqual([]);
    });

    it('the production overlay leaves the worker replicas to KEDA', () => {
      expect(kustomization('overlays/production').replicas.map((r) => r.name)).not.toContain('ocr-worker');
      expect(baseDeployment('ocr-worker').spec.replicas).toBeUndefined();
    });
  });

  describe('containers', () => {
    it('every container has readiness and liveness probes on a port it declares', () => {
      expect(containers.length).toBeGreaterThanOrEqual(8);
      const problems: string[] = [];
      for (const { file, container } of containers) {
        for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
          const probe = container[kind];
          if (!probe) {
            problems.push(`${file} ${container.name}: no ${kind}`);
            continue;
          }
          const port = probe.httpGet?.port ?? probe.grpc?.port ?? probe.tcpSocket?.port;
          if (port === undefined && !probe.exec) problems.push(`${file} ${container.name}: ${kind} has no handler`);
          if (port !== undefined && !container.ports?.some((p) => p.containerPort === portNumber(container, port))) {
            problems.push(`${file} ${container.name}: ${kind} port ${port} is not a container port`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('every container has CPU and memory requests and limits, limits at least the requests', () => {
      const quantity = (q: string | undefined): number => {
        const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(q ?? '');
        if (!match) return NaN;
        const unit = { m: 1e-3, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] as 'm' | 'Ki' | 'Mi' | 'Gi'] ?? 1;
        return Number(match[1]) * unit;
      };
      const problems: string[] = [];
      for (const { file, container } of containers) {
        for (const resource of ['cpu', 'memory']) {
          const request = quantity(container.resources?.requests?.[resource]);
          const limit = quantity(container.resources?.limits?.[resource]);
          if (!(request > 0) || !(limit >= request)) problems.push(`${file} ${container.name}: ${resource} request ${request}, limit ${limit}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('the worker gets about 2 CPUs and 1.5–2 GiB (peak RSS measured 1.0 GB)', () => {
      const { resources } = mainContainer(baseDeployment('ocr-worker'));
      expect(resources?.limits).toMatchObject({ cpu: '2', memory: '2Gi' });
      expect(resources?.requests).toMatchObject({ cpu: '2', memory: '1536Mi' });
    });

    it('every pod runs as non-root with a read-only root filesystem, no privilege escalation and no capabilities', () => {
      const problems: string[] = [];
      for (const { file, deployment, container } of containers) {
        const pod = deployment.spec.template.spec.securityContext;
        const sc = container.securityContext;
        const where = `${file} ${container.name}`;
        if (pod?.runAsNonRoot !== true && sc?.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot`);
        if ((sc?.runAsUser ?? pod?.runAsUser) === 0) problems.push(`${where}: runAsUser 0`);
        if (sc?.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem`);
        if (sc?.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation`);
        if (sc?.privileged === true) problems.push(`${where}: privileged`);
        if (!sc?.capabilities?.drop?.includes('ALL') || (sc.capabilities.add ?? []).length > 0) problems.push(`${where}: capabilities`);
      }
      expect(problems).toEqual([]);
    });

    it("the apps' containers get a writable /tmp from an emptyDir", () => {
      for (const { file, deployment, container } of appContainers) {
        const mount = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
        const volume = deployment.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
        expect({ file, emptyDir: volume?.emptyDir !== undefined }).toEqual({ file, emptyDir: true });
      }
    });

    it('every app in apps/ is deployed, from the image and command that hold it', () => {
      const apps = readdirSync(join(ROOT, 'apps')).filter((a) => existsSync(join(ROOT, 'apps', a, 'package.json')));
      expect([...new Set(appContainers.map((c) => c.app))].sort()).toEqual(apps.sort());
      expect(Object.keys(APP_ENV).sort()).toEqual(apps.sort());
      for (const { file, app, container } of appContainers) {
        const pkg = JSON.parse(readFileSync(join(ROOT, 'apps', app, 'package.json'), 'utf8')) as { main: string };
        expect(`apps/${app}/${pkg.main.replace(/^\.\//, '')}`).toBe(container.command![1]);
        expect({ file, image: container.image.split(':')[0] }).toEqual({ file, image: app === 'ocr-worker' ? 'ocr-platform-worker' : 'ocr-platform' });
      }
    });

    it('each Deployment of the platform runs under a ServiceAccount the manifests define', () => {
      const accounts = new Set(ofKind('ServiceAccount').map((o) => o.object.metadata.name));
      for (const { file, object } of deployments.filter((d) => !d.file.startsWith('deploy/k8s/overlays/dev/'))) {
        const sa = object.spec.template.spec.serviceAccountName;
        expect({ file, sa, defined: accounts.has(sa ?? '') }).toEqual({ file, sa: expect.any(String), defined: true });
      }
    });

    it('the worker has time to finish the page in hand after SIGTERM (grace > PAGE_TIMEOUT)', () => {
      for (const name of ['ocr-worker', 'ocr-worker-vlm']) {
        const worker = deployments.find((d) => d.object.metadata.name === name)!.object;
        const env = workerEnvSchema.parse(resolveEnv(mainContainer(worker)));
        expect(worker.spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThanOrEqual(env.PAGE_TIMEOUT + 30_000);
      }
    });
  });

  describe('environment', () => {
    /** Every env var a manifest sets for an app: containers, patch files and inline JSON patches. */
    const envSettings = (): { where: string; app: string; name: string }[] => {
      const out = appContainers.flatMap(({ file, app, container }) => (container.env ?? []).map((e) => ({ where: file, app, name: e.name })));
      for (const { file, object } of tree.patchObjects.filter((p) => isDeployment(p.object))) {
        const app = appOf(mainContainer(baseDeployment(object.metadata.name)))!;
        for (const c of (object as DeploymentObject).spec.template.spec.containers) {
          for (const e of c.env ?? []) out.push({ where: file, app, name: e.name });
        }
      }
      for (const k of tree.kustomizations) {
        for (const p of k.patches.filter((p) => p.patch && p.target?.kind === 'Deployment')) {
          const ops: unknown = parseYaml(p.patch!);
          const app = appOf(mainContainer(baseDeployment(p.target!.name!)))!;
          for (const op of ops as { op: string; path: string; value?: { name?: string } }[]) {
            if (/\/env(\/|$)/.test(op.path) && op.value?.name) out.push({ where: rel(k.file), app, name: op.value.name });
          }
        }
      }
      return out;
    };

    it("every variable set is one the app's config schema reads (a typo fails here)", () => {
      const settings = envSettings();
      expect(settings.length).toBeGreaterThan(20);
      const unknown = settings.filter((s) => !(s.name in APP_ENV[s.app]!.shape)).map((s) => `${s.where}: ${s.app} does not read ${s.name}`);
      expect(unknown).toEqual([]);
    });

    it('no app container takes a whole ConfigMap or Secret (envFrom would hide unread names)', () => {
      expect(appContainers.filter((c) => c.container.envFrom).map((c) => c.file)).toEqual([]);
    });

    it("every app's environment, as the manifests set it, passes the app's config validation", () => {
      for (const { file, app, container } of appContainers) {
        const result = APP_ENV[app]!.safeParse(resolveEnv(container));
        const issues = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
        expect({ file, app, issues }).toEqual({ file, app, issues: [] });
      }
    });

    it('the Secret keys referenced are the ones deploy/k8s/README.md tells you to create', () => {
      const readme = readFileSync(join(K8S_ROOT, 'README.md'), 'utf8');
      const keys = new Set(
        appContainers.flatMap((c) => (c.container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : []))),
      );
      expect([...keys].sort()).toEqual(['ocr-secrets/DATABASE_URL', 'ocr-secrets/STORAGE_URL']);
      expect(readme).toContain('kubectl create secret generic ocr-secrets');
      for (const key of keys) expect(readme).toContain(`--from-literal=${key.split('/')[1]}=`);
    });

    it("the dev overlay's generated ocr-secrets holds values the apps accept", () => {
      const generator = kustomization('overlays/dev').secretGenerator.find((g) => g.name === 'ocr-secrets');
      const values = Object.fromEntries((generator?.literals ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      expect(Object.keys(values).sort()).toEqual(Object.keys(SECRET_PLACEHOLDERS).sort());
      expect(gatewayEnvSchema.shape.DATABASE_URL.safeParse(values['DATABASE_URL']).success).toBe(true);
      expect(parseObjectStoreUrl(values['STORAGE_URL']!)).toMatchObject({ driver: 's3', bucket: 'ocr' });
    });
  });

  describe('ports, probes and Services', () => {
    it('the gateway listens on PORT, probed on /health/live and /health/ready, exposed by its Service', () => {
      const container = mainContainer(baseDeployment('gateway'));
      const port = gatewayEnvSchema.parse(resolveEnv(container)).PORT;
      expect(portNumber(container, 'http')).toBe(port);
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      const service = ofKind('Service').find((s) => s.object.metadata.name === 'gateway')!.object as K8sObject & {
        spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] };
      };
      expect(service.spec.selector).toEqual(baseDeployment('gateway').spec.template.metadata.labels);
      expect(portNumber(container, service.spec.ports[0]!.targetPort)).toBe(port);
    });

    it('the worker is probed on WORKER_HTTP_PORT and has no Service', () => {
      for (const name of ['ocr-worker', 'ocr-worker-vlm']) {
        const container = mainContainer(deployments.find((d) => d.object.metadata.name === name)!.object);
        const port = workerEnvSchema.parse(resolveEnv(container)).WORKER_HTTP_PORT;
        expect(portNumber(container, 'http')).toBe(port);
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
        expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
      }
      expect(ofKind('Service').map((s) => s.object.metadata.name)).not.toContain('ocr-worker');
    });

    it('billing, export and chat listen where their gRPC readiness probe asks the standard health service', () => {
      for (const [app, { key, listenVar }] of Object.entries(GRPC_APPS)) {
        const container = mainContainer(baseDeployment(app));
        const listen = hostPort(String((APP_ENV[app]!.safeParse(resolveEnv(container)) as unknown as { data: Record<string, string> }).data[listenVar]));
        expect({ app, host: listen.host }).toEqual({ app, host: '0.0.0.0' });
        expect(portNumber(container, 'grpc')).toBe(listen.port);
        expect(container.readinessProbe?.grpc).toEqual({ port: listen.port, service: qualifiedServiceName(key) });
      }
    });

    it("the gateway's gRPC addresses name Services that route to those servers", () => {
      const gatewayEnv = gatewayEnvSchema.parse(resolveEnv(mainContainer(baseDeployment('gateway'))));
      const services = ofKind('Service').map(
        (s) => s.object as K8sObject & { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] } },
      );
      for (const [app, { listenVar }] of Object.entries(GRPC_APPS)) {
        const address = hostPort(gatewayEnv[listenVar as 'BILLING_GRPC_URL' | 'EXPORT_GRPC_URL' | 'CHAT_GRPC_URL']);
        const service = services.find((s) => s.metadata.name === address.host);
        const port = service?.spec.ports.find((p) => p.port === address.port);
        const target = baseDeployment(app);
        expect({ listenVar, service: service?.metadata.name, port: port?.port }).toEqual({ listenVar, service: address.host, port: address.port });
        expect(service!.spec.selector).toEqual(target.spec.template.metadata.labels);
        expect(portNumber(mainContainer(target), port!.targetPort)).toBe(address.port);
      }
    });
  });

  describe('components', () => {
    it('gpu-vlm-pool adds a vlm worker on a GPU and turns VLM_ENABLED on in the gateway', () => {
      const vlm = deployments.find((d) => d.file.startsWith('deploy/k8s/components/gpu-vlm-pool/'))!.object;
      const container = mainContainer(vlm);
      expect(appOf(container)).toBe('ocr-worker');
      expect(workerEnvSchema.parse(resolveEnv(container)).WORKER_TIER).toBe('vlm');
      expect(container.resources?.limits?.['nvidia.com/gpu']).toBe('1');
      expect((vlm.spec.template.spec as { tolerations?: { key: string }[] }).tolerations?.map((t) => t.key)).toContain('nvidia.com/gpu');
      const patch = tree.patchObjects.find((p) => p.file.startsWith('deploy/k8s/components/gpu-vlm-pool/'))!.object as DeploymentObject;
      const env = patch.spec.template.spec.containers[0]!.env!;
      expect(gatewayEnvSchema.shape.VLM_ENABLED.parse(env.find((e) => e.name === 'VLM_ENABLED')?.value)).toBe(true);
      expect(gatewayEnvSchema.shape.VLM_ENABLED.parse(envValue(mainContainer(baseDeployment('gateway')), 'VLM_ENABLED'))).toBe(false);
    });

    describe('network-policies', () => {
      type Peer = { podSelector?: { matchLabels?: Record<string, string> } };
      type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: number }[] };
      type Policy = K8sObject & {
        spec: {
          podSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
          policyTypes: string[];
          ingress?: Rule[];
          egress?: Rule[];
        };
      };
      const policies = () => ofKind('NetworkPolicy').map((p) => p.object as Policy);
      const selects = (policy: Policy, labels: Record<string, string>) => {
        const { matchLabels = {}, matchExpressions = [] } = policy.spec.podSelector;
        return (
          Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
          matchExpressions.every((e) => e.operator === 'In' && e.values.includes(labels[e.key] ?? ''))
        );
      };

      it('denies all ingress and egress by default', () => {
        const denyAll = policies().find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
        expect(denyAll?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
      });

      it('gives every Deployment of the platform its own policy', () => {
        for (const { file, object } of deployments.filter((d) => !d.file.startsWith('deploy/k8s/overlays/dev/'))) {
          const own = policies().filter((p) => Object.keys(p.spec.podSelector).length > 0 && selects(p, object.spec.template.metadata.labels));
          expect({ file, policies: own.length }).toEqual({ file, policies: 1 });
        }
      });

      it('lets the gateway reach billing, export and chat on their gRPC ports, and only the gateway', () => {
        const gatewayLabels = baseDeployment('gateway').spec.template.metadata.labels;
        const gatewayPolicy = policies().find((p) => p.spec.podSelector.matchLabels && selects(p, gatewayLabels))!;
        for (const app of Object.keys(GRPC_APPS)) {
          const target = baseDeployment(app);
          const port = portNumber(mainContainer(target), 'grpc');
          const egress = gatewayPolicy.spec.egress?.find((r) => r.to?.some((peer) => peer.podSelector?.matchLabels?.['app'] === target.spec.template.metadata.labels['app']));
          expect({ app, ports: egress?.ports?.map((p) => p.port) }).toEqual({ app, ports: [port] });
          const own = policies().find((p) => p.spec.podSelector.matchLabels && selects(p, target.spec.template.metadata.labels))!;
          expect({ app, ingress: own.spec.ingress }).toEqual({
            app,
            ingress: [{ from: [{ podSelector: { matchLabels: { app: gatewayLabels['app'] } } }], ports: [{ port, protocol: 'TCP' }] }],
          });
        }
        const gatewayPort = portNumber(mainContainer(baseDeployment('gateway')), 'http');
        expect(gatewayPolicy.spec.ingress).toEqual([{ ports: [{ port: gatewayPort, protocol: 'TCP' }] }]);
      });

      it('lets the apps that use NATS, Postgres and object storage reach their ports', () => {
        const needs: Record<string, number[]> = { gateway: [4222, 5432, 9000], 'ocr-worker': [4222, 9000], billing: [5432], 'chat-service': [4222, 5432, 9000] };
        for (const [app, ports] of Object.entries(needs)) {
          const labels = baseDeployment(app).spec.template.metadata.labels;
          const policy = policies().find((p) => Object.keys(p.spec.podSelector).length > 0 && selects(p, labels))!;
          const open = (policy.spec.egress ?? []).filter((r) => !r.to).flatMap((r) => r.ports?.map((p) => p.port) ?? []);
          expect({ app, open: ports.filter((p) => open.includes(p)) }).toEqual({ app, open: ports });
        }
      });
    });
  });

  describe('images', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

    it('the Dockerfile builds a runtime and a worker target on node:24-bookworm-slim, running as a non-root user', () => {
      expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
      expect(dockerfile).toMatch(/^FROM \S+ AS worker$/m);
      expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
      for (const stage of dockerfile.split(/^FROM /m).filter((s) => /^\S+ AS (worker|runtime)$/m.test(s.split('\n')[0]!))) {
        expect(stage).toMatch(/^USER 1000:1000$/m);
      }
      expect(dockerfile).toContain('libs/ocr-engine/src/languages/debian-packages.txt');
      expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
    });

    it('production pins both images to a registry and a tag', () => {
      const images = kustomization('overlays/production').images;
      expect(images.map((i) => i.name).sort()).toEqual(['ocr-platform', 'ocr-platform-worker']);
      for (const image of images) {
        expect(image.newName).toMatch(/\//);
        expect(image.newTag).toMatch(/^\d+\.\d+\.\d+$/);
      }
    });
  });
});
