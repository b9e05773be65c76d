// Loading, error (with retry) and "not found or outside your domains" for
// pages that show one object. The object's own template is projected.
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { ApiProblem } from '../core/problem';

@Component({
  selector: 'stoa-load-state',
  imports: [MatProgressBarModule, MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (loading()) { <mat-progress-bar mode="indeterminate" [attr.aria-label]="'Loading ' + what()" /> }
    @if (error(); as e) {
      <div role="alert" class="error-block">
        @if (e.status === 404) {
          <h2>Not found</h2>
          <p>This {{ what() }} does not exist, or it is outside the domains you administer.</p>
          <a mat-stroked-button [routerLink]="backLink()">Back to the list</a>
        } @else {
          <h2>Could not load the {{ what() }}</h2>
          <p class="error-text">{{ e.summary }}</p>
          <button mat-stroked-button type="button" (click)="retry.emit()">Try again</button>
        }
      </div>
    } @else if (!loading()) {
      <ng-content />
    }
  `,
  styles: `.error-block { padding: 16px 0; }`,
})
export class LoadState {
  readonly loading = input(false);
  readonly error = input<ApiProblem | null>(null);
  readonly what = input('item');
  readonly backLink = input('/dashboard');
  readonly retry = output<void>();
}
