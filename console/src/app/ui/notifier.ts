// Short confirmations and errors in a snack bar (announced politely).
import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';
import { problemFrom } from '../core/problem';

@Injectable({ providedIn: 'root' })
export class Notifier {
  readonly #bar = inject(MatSnackBar);

  done(message: string): void {
    this.#bar.open(message, 'Close', { duration: 4000, politeness: 'polite' });
  }

  failed(action: string, err: unknown): void {
    this.#bar.open(`${action} failed: ${problemFrom(err).summary}`, 'Close', { duration: 8000, politeness: 'assertive' });
  }
}
