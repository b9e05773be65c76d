import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'stoa-not-found',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="page"><h1>Page not found</h1><p>There is no such page, or it is outside your domains. <a routerLink="/dashboard">Go to the dashboard</a>.</p></div>`,
})
export class NotFound {}
