import type { BillingRepository } from '../src/billing/billing.repository';
import { loadGatewayConfig } from '../src/config/gateway.config';
import { JobWaiter } from '../src/jobs/job-waiter.service';
import type { JobRepository } from '../src/jobs/job.repository';
import { JobService } from '../src/jobs/job.service';
import { ToolCatalog } from '../src/tools/tool.catalog';
import { FakeBillingRepository } from './fake-billing.repository';
import { FakeDocumentInspector, FakeLanguageCatalog, FakeTaskQueue, InMemoryUploadStore } from './fake-job.ports';
import { InMemoryJobRepository } from './in-memory-job.repository';

/** A real JobService over the in-memory fakes of every adapter it uses; `env` sets gateway variables. */
export function jobServiceWithFakes(env: Record<string, string> = {}) {
  const config = loadGatewayConfig({ DATABASE_URL: 'postgres://unused/unused', ...env });
  const jobs = new InMemoryJobRepository();
  const billing = new FakeBillingRepository();
  const waiter = new JobWaiter();
  const queue = new FakeTaskQueue();
  const uploads = new InMemoryUploadStore();
  const service = new JobService(
    config,
    jobs as unknown as JobRepository,
    billing as unknown as BillingRepository,
    waiter,
    new ToolCatalog(),
    queue,
    new FakeDocumentInspector(),
    uploads,
    new FakeLanguageCatalog(),
  );
  return { service, config, jobs, billing, waiter, queue, uploads };
}
