// Spam and relay settings as the server runs them. They come from the
// configuration file (docs/configuration.md): read-only here, because the
// server has no API to change them at run time.
import { ChangeDetectionStrategy, Component, type OnInit, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import type { SystemSettings } from '@shared/schemas/system.ts';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { SettingTable } from '../ui/setting-table';
import { MailFlowApi } from './mail-flow-api';

@Component({
  selector: 'stoa-policy-page',
  imports: [MatCardModule, LoadState, SettingTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page">
      <div class="page-header"><h1>Spam and relay</h1></div>
      <p class="muted">Read-only: change these in the configuration file and restart Stoa.</p>
      <stoa-load-state [loading]="settings.loading()" [error]="settings.error()" what="settings" (retry)="settings.reload()">
        @if (settings.value(); as s) {
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Spam and abuse checks</mat-card-title></mat-card-header>
            <mat-card-content><stoa-setting-table [settings]="s.filter" label="Spam and abuse checks" /></mat-card-content></mat-card>
          <mat-card appearance="outlined"><mat-card-header><mat-card-title>Relay and outbound delivery</mat-card-title></mat-card-header>
            <mat-card-content><stoa-setting-table [settings]="s.relay" label="Relay" /></mat-card-content></mat-card>
        }
      </stoa-load-state>
    </div>
  `,
  styles: `mat-card { margin-bottom: 16px; }`,
})
export class PolicyPage implements OnInit {
  readonly #api = inject(MailFlowApi);
  protected readonly settings = new Loaded<SystemSettings>(() => this.#api.settings());

  async ngOnInit(): Promise<void> {
    await this.settings.reload();
  }
}
