// What `stoa migrate` runs on: the same services as the server, built over
// the CLI's store. INTEGRATION: when server/src/services.ts
// createServices() exists, take mail, directory and the migration job
// service from it, and pass the calendar and contacts import targets
// (migration/src/sink/groupware-targets.ts) once those services exist.
//
// Change events go to this process's own bus: a server running beside the
// CLI does not hear them (its IMAP IDLE sessions see the imported mail at
// their next command). Jobs started through the admin API run inside the
// server and notify its listeners.
import type { Actor, Directory } from '../../../server/src/directory/api.ts';
import { LocalChangeBus } from '../../../server/src/events/local-change-bus.ts';
import { createMailServices } from '../../../server/src/mail/mail-services.ts';
import { createMigrationJobService, type MigrationJobService } from '../../../server/src/migration-jobs/job-service.ts';
import type { Store } from '../../../server/src/store/port.ts';
import type { CheckpointStore } from '../engine/checkpoints.ts';
import { createDirectoryTarget } from '../sink/directory-target.ts';
import { groupwareTargets } from '../sink/groupware-targets.ts';
import type { ImportSink, TargetDirectory } from '../sink/import-sink.ts';
import { createServicesSink } from '../sink/services-sink.ts';

export interface MigrationWiring {
  sink: ImportSink;
  directory: TargetDirectory;
  jobs: MigrationJobService;
  checkpoints: CheckpointStore;
}

export function migrationWiring(store: Store, directory: Directory, actor: Actor): MigrationWiring {
  const mail = createMailServices({ store, bus: new LocalChangeBus() });
  const jobs = createMigrationJobService({ store });
  return {
    sink: createServicesSink({ mailboxes: mail.mailboxes, messages: mail.messages, ...groupwareTargets() }),
    directory: createDirectoryTarget(directory.accounts, actor),
    jobs,
    checkpoints: jobs.checkpoints,
  };
}
