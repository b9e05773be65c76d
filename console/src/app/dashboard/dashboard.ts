// The dashboard: server health and version, live charts of mail in and out,
// queue size, connections per protocol and failed logins (from the live
// channel; marked stale when it drops), and storage per domain.
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { DomainUsageList, SystemInfo } from '@shared/schemas/system.ts';
import { ApiHttp } from '../core/api-http';
import { LiveService } from '../core/live';
import { SessionStore } from '../core/session';
import { formatBytes } from '../ui/format';
import { type ChartSeries, LineChart } from '../ui/line-chart';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { DASHBOARD_ENDPOINTS as E } from './dashboard.endpoints';
import { connectionKeys, gauge, ratePerMinute } from './dashboard-series';

const COLORS = ['#1e4f8a', '#b5462f', '#2d7d46', '#7a4fa0', '#a06b00', '#00747a', '#555'];

@Component({
  selector: 'stoa-dashboard',
  imports: [RouterLink, MatCardModule, LineChart, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dashboard.html',
  styles: `
    .stale-note { color: #6b3b00; } .health-ok { color: #1b6e2a; font-weight: 600; } .health-bad { color: #8a1c1c; font-weight: 600; }
    :host .stale stoa-line-chart { opacity: 0.5; }
    .big { font: var(--mat-sys-display-small); }
  `,
})
export class Dashboard implements OnInit {
  readonly #http = inject(ApiHttp);
  protected readonly live = inject(LiveService);
  protected readonly session = inject(SessionStore);
  protected readonly denied = inject(ActivatedRoute).snapshot.queryParamMap.get('denied');
  protected readonly formatBytes = formatBytes;
  protected readonly system = new Loaded<SystemInfo>(() => this.#http.call(E.system));
  protected readonly storage = new Loaded<DomainUsageList>(() => this.#http.call(E.storage));

  protected readonly mail = computed((): ChartSeries[] => {
    const h = this.live.history();
    return [
      { label: 'Received (SMTP)', color: COLORS[0], points: ratePerMinute(h, (c) => c.smtpAccepted) },
      { label: 'Delivered out', color: COLORS[2], points: ratePerMinute(h, (c) => c.queueDelivered) },
      { label: 'Refused', color: COLORS[1], points: ratePerMinute(h, (c) => c.smtpRejected) },
    ];
  });
  protected readonly queue = computed((): ChartSeries[] => {
    const h = this.live.history();
    return [
      { label: 'Queued', color: COLORS[0], points: gauge(h, (c) => c.queueSize) },
      { label: 'Deferred/min', color: COLORS[4], points: ratePerMinute(h, (c) => c.queueDeferred) },
    ];
  });
  protected readonly connections = computed((): ChartSeries[] => {
    const h = this.live.history();
    return connectionKeys(h).map((k, i) => ({ label: k, color: COLORS[i % COLORS.length], points: gauge(h, (c) => c.connections[k] ?? 0) }));
  });
  protected readonly auth = computed((): ChartSeries[] => [
    { label: 'Failed logins/min', color: COLORS[1], points: ratePerMinute(this.live.history(), (c) => c.authFailures) },
  ]);
  protected readonly totalStorage = computed(() => (this.storage.value()?.items ?? []).reduce((n, d) => n + d.bytes, 0));

  async ngOnInit(): Promise<void> {
    await Promise.all([this.system.reload(), this.storage.reload()]);
  }
}
