// What `stoa migrate` runs on: the services the CLI context built with the
// composition root (server/src/services.ts), as the CLI's actor (the server
// itself, audited as "cli").
//
// Change events go to this process's own bus: a server running beside the
// CLI does not hear them (its IMAP IDLE sessions see the imported mail at
// their next command). Jobs started through the admin API run inside the
// server and notify its listeners.
import type { Actor } from '../../../server/src/directory/api.ts';
import type { MigrationJobService } from '../../../server/src/migration-jobs/job-service.ts';
import type { Services } from '../../../server/src/services.ts';
import type { CheckpointStore } from '../engine/checkpoints.ts';
import { createDirectoryTarget } from '../sink/directory-target.ts';
import { davImportTargets } from '../sink/groupware-targets.ts';
import type { ImportSink, TargetDirectory } from '../sink/import-sink.ts';
import { createServicesSink } from '../sink/services-sink.ts';

export interface MigrationWiring {
  sink: ImportSink;
  directory: TargetDirectory;
  jobs: MigrationJobService;
  checkpoints: CheckpointStore;
}

export function migrationWiring(services: Services, actor: Actor): MigrationWiring {
  const { jobs, importer } = services.migrations;
  return {
    // Mail through the intake, calendars and contacts through the DAV services, all by the import service.
    sink: createServicesSink({ importer, actor, ...davImportTargets(importer, actor) }),
    directory: createDirectoryTarget(services.directory.accounts, actor),
    jobs,
    checkpoints: jobs.checkpoints(actor),
  };
}
