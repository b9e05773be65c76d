// Settings as the server runs them: listeners, the TLS certificate, limits,
// the store and backups, read-only (they come from the configuration file and
// environment, docs/configuration.md); and the directory connections (LDAP/AD),
// which live in the store and are managed from here.
import { ChangeDetectionStrategy, Component, type OnInit, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import type { SystemInfo, SystemSettings } from '@shared/schemas/system.ts';
import { ApiHttp } from '../core/api-http';
import { formatBytes, formatTime } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { SettingTable } from '../ui/setting-table';
import { DirectoryConnections } from '../directory-sync/directory-connections';
import { SETTINGS_ENDPOINTS as E } from './settings.endpoints';

@Component({
  selector: 'stoa-settings-page',
  imports: [MatCardModule, LoadState, SettingTable, DirectoryConnections],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './settings-page.html',
  styles: `mat-card { margin-bottom: 16px; }`,
})
export class SettingsPage implements OnInit {
  readonly #http = inject(ApiHttp);
  protected readonly formatTime = formatTime;
  protected readonly formatBytes = formatBytes;
  protected readonly settings = new Loaded<SystemSettings>(() => this.#http.call(E.settings));
  protected readonly system = new Loaded<SystemInfo>(() => this.#http.call(E.system));

  async ngOnInit(): Promise<void> {
    await Promise.all([this.settings.reload(), this.system.reload()]);
  }
}
