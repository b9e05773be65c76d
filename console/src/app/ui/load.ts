// One-object loading as signals: value, loading, error; reload() runs the
// loader again. Pages use it with <stoa-load-state>.
import { signal } from '@angular/core';
import { type ApiProblem, problemFrom } from '../core/problem';

export class Loaded<T> {
  readonly value = signal<T | null>(null);
  readonly loading = signal(false);
  readonly error = signal<ApiProblem | null>(null);
  readonly #loader: () => Promise<T>;
  #seq = 0;

  constructor(loader: () => Promise<T>) {
    this.#loader = loader;
  }

  async reload(): Promise<T | null> {
    const seq = ++this.#seq;
    this.loading.set(true);
    this.error.set(null);
    try {
      const v = await this.#loader();
      if (seq === this.#seq) this.value.set(v);
      return v;
    } catch (err) {
      if (seq === this.#seq) this.error.set(problemFrom(err));
      return null;
    } finally {
      if (seq === this.#seq) this.loading.set(false);
    }
  }
}
