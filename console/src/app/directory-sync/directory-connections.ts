// The directory connections on the settings page: each LDAP/AD connection
// with the state of its last sync, and the way to add one. Server admins only
// (the API refuses everyone else).
import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { DirectoryConnection } from '@shared/schemas/directory-sync.ts';
import { type ApiProblem, problemFrom } from '../core/problem';
import { formatTime } from '../ui/format';
import { DirectorySyncApi } from './directory-sync-api';

export const KIND_LABEL: Record<DirectoryConnection['kind'], string> = { 'active-directory': 'Active Directory', openldap: 'OpenLDAP', freeipa: 'FreeIPA' };

/** The last sync in words: "ok", "partial: …", "failed: …", or "never synced". */
export function syncState(c: DirectoryConnection): string {
  const s = c.state;
  if (!s.lastStatus) return c.enabled ? 'Never synced' : 'Off, never synced';
  const when = formatTime(s.lastSyncAt);
  const what = { ok: 'Synced', partial: 'Partly synced', failed: 'Sync failed' }[s.lastStatus];
  return `${what} ${when}${s.lastError ? `: ${s.lastError}` : ''}${c.enabled ? '' : ' (connection off)'}`;
}

@Component({
  selector: 'stoa-directory-connections',
  imports: [RouterLink, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (error(); as e) { <p class="error-text" role="alert">Directory connections could not be loaded: {{ e.summary }} <button mat-button type="button" (click)="ngOnInit()">Try again</button></p> }
    @if (connections(); as list) {
      @if (list.length === 0) {
        <p>Local directory only: no LDAP or Active Directory connection.</p>
      } @else {
        <div class="table-scroll"><table class="plain" aria-label="Directory connections">
          <thead><tr><th>Connection</th><th>Directory</th><th>Servers</th><th>Domains</th><th>Last sync</th></tr></thead>
          <tbody>@for (c of list; track c.id) {
            <tr [attr.data-connection]="c.name">
              <td><a [routerLink]="['/directory-sync', c.id]">{{ c.name }}</a></td>
              <td>{{ kindLabel[c.kind] }}</td>
              <td class="mono">{{ c.servers.join(' ') }}</td>
              <td>{{ c.domains.join(', ') || 'every domain' }}</td>
              <td [class.error-text]="c.state.lastStatus === 'failed'" data-testid="sync-state">{{ syncState(c) }}</td>
            </tr>
          }</tbody>
        </table></div>
      }
      <a mat-stroked-button routerLink="/directory-sync/new">Add a directory connection</a>
    } @else if (!error()) { <p class="muted" role="status">Loading…</p> }
  `,
})
export class DirectoryConnections implements OnInit {
  readonly #api = inject(DirectorySyncApi);
  protected readonly kindLabel = KIND_LABEL;
  protected readonly syncState = syncState;
  protected readonly connections = signal<DirectoryConnection[] | null>(null);
  protected readonly error = signal<ApiProblem | null>(null);

  async ngOnInit(): Promise<void> {
    this.error.set(null);
    try {
      this.connections.set(await this.#api.list());
    } catch (err) {
      this.error.set(problemFrom(err));
    }
  }
}
