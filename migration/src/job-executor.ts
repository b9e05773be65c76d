// The server side of a migration job: what the composition root hands the
// job runner (server/src/migration-jobs/job-runner.ts). Jobs run inside the
// server over its own services, so imported mail raises the same change
// events (IMAP IDLE, NOTIFY) as delivered mail.
import type { AccountService } from '../../server/src/directory/api.ts';
import type { JobExecutor } from '../../server/src/migration-jobs/job-runner.ts';
import type { CheckpointStore } from './engine/checkpoints.ts';
import type { JobSecrets, JobSpec } from './job-spec.ts';
import { runJob } from './run-job.ts';
import { createDirectoryTarget } from './sink/directory-target.ts';
import type { ImportSink } from './sink/import-sink.ts';

export function createJobExecutor(deps: { sink: ImportSink; accounts: AccountService; checkpoints: CheckpointStore; spoolDir?: string | null }): JobExecutor {
  return async (job, secrets, ctx) => {
    const report = await runJob(job.spec as JobSpec, (secrets ?? {}) as JobSecrets, {
      sink: deps.sink,
      directory: createDirectoryTarget(deps.accounts, ctx.actor),
      checkpoints: deps.checkpoints,
      signal: ctx.signal,
      onProgress: ctx.progress,
      ...(deps.spoolDir ? { spoolDir: deps.spoolDir } : {}),
    });
    return { report, ok: report.ok };
  };
}
