// Every `stoa` command group by name, with what the top-level help shows,
// and how to load it. A group's module (and everything it imports: the
// server for `serve`, the DNS checks for `doctor`) is loaded only when that
// group runs, so `stoa --help` or `stoa account list` does not pay for the
// SMTP server, the admin API or mail authentication (issue 16 item 18;
// docs/benchmarks.md). test/cli/command-index.test.ts checks that this table and
// the loaded groups agree.
import type { CommandGroup } from './command.ts';

export interface GroupEntry {
  name: string;
  summary: string;
  /** Subcommand names, for the top-level help; null for a standalone command. */
  subcommands: readonly string[] | null;
  load(): Promise<CommandGroup>;
}

export const COMMAND_INDEX: readonly GroupEntry[] = [
  { name: 'serve', summary: 'run the server (what npm start does)', subcommands: null, load: async () => (await import('./commands/serve.ts')).serveCommand },
  { name: 'domain', summary: 'mail domains served here', subcommands: ['list', 'add', 'show', 'set', 'dkim', 'remove'], load: async () => (await import('./commands/domain.ts')).domainCommands },
  { name: 'account', summary: 'user accounts (mailboxes and operators)', subcommands: ['list', 'add', 'import', 'show', 'set', 'remove', 'passwd'], load: async () => (await import('./commands/account.ts')).accountCommands },
  { name: 'group', summary: 'groups and distribution lists', subcommands: ['list', 'add', 'show', 'set', 'remove', 'add-member', 'remove-member'], load: async () => (await import('./commands/group.ts')).groupCommands },
  { name: 'alias', summary: 'extra addresses that deliver elsewhere (and *@domain catch-alls)', subcommands: ['list', 'add', 'show', 'remove'], load: async () => (await import('./commands/alias.ts')).aliasCommands },
  { name: 'shared-mailbox', summary: 'shared mailboxes (info@, sales@) and delegation: full access, send as, send on behalf', subcommands: ['list', 'add', 'show', 'set', 'remove', 'grants', 'grant', 'revoke', 'access', 'convert', 'unconvert'], load: async () => (await import('./commands/shared-mailbox.ts')).sharedMailboxCommands },
  { name: 'role', summary: 'administrative roles', subcommands: ['grant'], load: async () => (await import('./commands/role.ts')).roleCommands },
  { name: 'app-password', summary: 'per-device passwords for mail and calendar clients', subcommands: ['list', 'add', 'revoke'], load: async () => (await import('./commands/app-password.ts')).appPasswordCommands },
  { name: 'directory', summary: 'external directories (LDAP/AD): connections, tests and syncs', subcommands: ['list', 'add', 'set', 'remove', 'test', 'sync', 'status', 'runs', 'resolve'], load: async () => (await import('./commands/directory.ts')).directoryCommands },
  { name: 'queue', summary: 'outbound mail waiting for remote delivery', subcommands: ['list', 'show', 'retry', 'delete'], load: async () => (await import('./commands/queue.ts')).queueCommands },
  // The import tool lives in migration/ (DESIGN.md layout, docs/migration.md); its command group is registered here.
  {
    name: 'migrate', summary: 'import mailboxes, calendars and contacts from other servers and files',
    subcommands: ['imap', 'ews', 'dav', 'pst', 'mbox', 'maildir', 'eml', 'ics', 'vcf', 'csv', 'list', 'show', 'cancel'],
    load: async () => (await import('../../../migration/src/cli/migrate-command.ts')).migrateCommands,
  },
  { name: 'backup', summary: 'copy the embedded store (database, message bodies, TLS material) while the server runs', subcommands: null, load: async () => (await import('./commands/backup.ts')).backupCommand },
  { name: 'restore', summary: 'put a backup back into the data directory and check it', subcommands: null, load: async () => (await import('./commands/restore.ts')).restoreCommand },
  { name: 'doctor', summary: 'check the configuration, store, ports and DNS, and say what to fix', subcommands: null, load: async () => (await import('./doctor/command.ts')).doctorCommand },
];

export const COMMAND_GROUPS: ReadonlyMap<string, GroupEntry> = new Map(COMMAND_INDEX.map((g) => [g.name, g]));
