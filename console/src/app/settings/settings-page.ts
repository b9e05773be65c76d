// Settings as the server runs them: listeners, the TLS certificate, limits,
// the store, the directory connection and backups. Read-only: they come from
// the configuration file and environment (docs/configuration.md).
import { ChangeDetectionStrategy, Component, type OnInit, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import type { SystemInfo, SystemSettings } from '@shared/schemas/system.ts';
import { ApiHttp } from '../core/api-http';
import { formatBytes, formatTime } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { SettingTable } from '../ui/setting-table';
import { SETTINGS_ENDPOINTS as E } from './settings.endpoints';

@Component({
  selector: 'stoa-settings-page',
  imports: [MatCardModule, LoadState, SettingTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './settings-page.html',
  styles: `mat-card { margin-bottom: 16px; } table.plain { border-collapse: collapse; width: 100%; } table.plain th, table.plain td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }`,
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
