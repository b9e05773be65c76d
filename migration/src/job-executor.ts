// The server side of a migration job: what the composition root
// (server/src/services.ts) hands the job runner
// (server/src/migration-jobs/job-runner.ts). Jobs run inside the server over
// its own services, so imported mail raises the same change events (IMAP
// IDLE, NOTIFY) as delivered mail. Each job acts as the admin who submitted
// it: accounts are created, and mail imported, with their rights.
import type { AccountService } from '../../server/src/directory/api.ts';
import type { JobExecutor } from '../../server/src/migration-jobs/job-runner.ts';
import type { ImportService } from '../../server/src/migration-jobs/import-service.ts';
import type { CheckpointStore } from './engine/checkpoints.ts';
import type { JobSecrets, JobSpec } from './job-spec.ts';
import { runJob } from './run-job.ts';
import { createDirectoryTarget } from './sink/directory-target.ts';
import { davImportTargets } from './sink/groupware-targets.ts';
import { createServicesSink } from './sink/services-sink.ts';

export interface JobExecutorDeps {
  importer: ImportService;
  accounts: AccountService;
  /** The store-backed checkpoints and ledger (the job service's, as the server). */
  checkpoints: CheckpointStore;
  spoolDir?: string | null;
}

export function createJobExecutor(deps: JobExecutorDeps): JobExecutor {
  return async (job, secrets, ctx) => {
    const report = await runJob(job.spec as JobSpec, (secrets ?? {}) as JobSecrets, {
      sink: createServicesSink({ importer: deps.importer, actor: ctx.actor, ...davImportTargets(deps.importer, ctx.actor) }),
      directory: createDirectoryTarget(deps.accounts, ctx.actor),
      checkpoints: deps.checkpoints,
      signal: ctx.signal,
      onProgress: ctx.progress,
      ...(deps.spoolDir ? { spoolDir: deps.spoolDir } : {}),
    });
    return { report, ok: report.ok };
  };
}
