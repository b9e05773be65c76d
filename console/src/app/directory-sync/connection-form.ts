// The fields of a directory connection shared by the "new" form and the
// connection page: text areas and comma lists turned into the API's arrays.
import type { NonNullableFormBuilder } from '@angular/forms';
import { DirectoryConnectionCreate, type DirectoryConnection, type DirectoryConnectionUpdate, type DirectoryKind } from '@shared/schemas/directory-sync.ts';
import { schemaValidators, splitList } from '../ui/form-errors';

/** Every field of a connection; name and kind are set once, at creation (disabled on the connection page). */
export function connectionFields(fb: NonNullableFormBuilder) {
  return fb.group({
    name: ['', schemaValidators(DirectoryConnectionCreate, 'name')],
    kind: ['active-directory' as DirectoryKind],
    description: ['', schemaValidators(DirectoryConnectionCreate, 'description')],
    enabled: [true],
    servers: ['', schemaValidators(DirectoryConnectionCreate, 'servers', { required: true })],
    bindDn: ['', schemaValidators(DirectoryConnectionCreate, 'bindDn')],
    bindPassword: ['', schemaValidators(DirectoryConnectionCreate, 'bindPassword')],
    baseDn: ['', schemaValidators(DirectoryConnectionCreate, 'baseDn')],
    groupBaseDn: [''],
    domains: [''],
    startTls: [false],
    caPem: [''],
    allowPlaintext: [false],
    syncEnabled: [true],
    intervalMinutes: [15],
    fullIntervalHours: [24],
    groups: [true],
  });
}
export type ConnectionForm = ReturnType<typeof connectionFields>;

export function fillConnection(form: ConnectionForm, c: DirectoryConnection): void {
  form.reset({
    name: c.name, kind: c.kind, description: c.description, enabled: c.enabled, servers: c.servers.join('\n'), bindDn: c.bindDn, bindPassword: '', baseDn: c.baseDn,
    groupBaseDn: c.groupBaseDn ?? '', domains: c.domains.join(', '), startTls: c.tls.startTls, caPem: c.tls.caPem ?? '', allowPlaintext: c.tls.allowPlaintext,
    syncEnabled: c.sync.enabled, intervalMinutes: c.sync.intervalMinutes, fullIntervalHours: c.sync.fullIntervalHours, groups: c.sync.groups,
  });
}

/** The body for create or update; an empty password field keeps the stored one (it is write-only). */
export function connectionBody(form: ConnectionForm): DirectoryConnectionUpdate & { servers: string[]; bindDn: string; baseDn: string } {
  const v = form.getRawValue();
  return {
    description: v.description.trim(), enabled: v.enabled, servers: splitList(v.servers), bindDn: v.bindDn.trim(),
    ...(v.bindPassword ? { bindPassword: v.bindPassword } : {}),
    baseDn: v.baseDn.trim(), groupBaseDn: v.groupBaseDn.trim() || null, domains: splitList(v.domains),
    tls: { startTls: v.startTls, allowPlaintext: v.allowPlaintext, caPem: v.caPem.trim() || null },
    sync: { enabled: v.syncEnabled, intervalMinutes: Number(v.intervalMinutes), fullIntervalHours: Number(v.fullIntervalHours), groups: v.groups },
  };
}

/** Server field errors of a nested part (`sync.intervalMinutes`, `tls.caPem`) go under a control of that part, with their path. */
export const CONNECTION_FIELD_ALIASES: Record<string, string> = { sync: 'intervalMinutes', tls: 'caPem' };
