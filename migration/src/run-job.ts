// One job spec, run to its end: what `stoa migrate` and the server's job
// runner both call, each with its own sink, directory and checkpoints.
import type { CheckpointStore } from './engine/checkpoints.ts';
import type { MigrationReport } from './engine/report.ts';
import { runMigration } from './engine/run.ts';
import { runOptions, sourceLabel, userMappings, type JobSecrets, type JobSpec } from './job-spec.ts';
import type { ImportSink, TargetDirectory } from './sink/import-sink.ts';
import { createSource } from './source-factory.ts';

export interface JobDeps {
  sink: ImportSink;
  directory: TargetDirectory;
  checkpoints: CheckpointStore;
  signal?: AbortSignal;
  onProgress?: (report: MigrationReport) => void;
  /** Where large messages are spooled (default: the OS temp directory). */
  spoolDir?: string;
}

export async function runJob(spec: JobSpec, secrets: JobSecrets, deps: JobDeps): Promise<MigrationReport> {
  const source = createSource(spec.source, secrets);
  const options = { ...runOptions(spec.options), ...(deps.spoolDir ? { spoolDir: deps.spoolDir } : {}) };
  return runMigration({
    source, sink: deps.sink, directory: deps.directory, checkpoints: deps.checkpoints, signal: deps.signal, onProgress: deps.onProgress,
  }, userMappings(spec, secrets), options, sourceLabel(spec.source));
}
