// The signed-in admin's own inbox rules (for an account with a mailbox):
// conditions, then actions, applied in order at delivery; the server keeps
// them as the generated Sieve script "stoa-rules" (docs/sieve.md). Rules of
// other users are theirs to set (webmail, ManageSieve); an admin sets a
// user's out-of-office from the account page.
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, signal } from '@angular/core';
import { FormArray, FormBuilder, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { problemFrom } from '../core/problem';
import { errorText } from '../ui/form-errors';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { ruleFieldOf, ruleFrom, ruleGroup } from './rule-form';
import { SieveApi, type RulesState } from './sieve-api';

const MAX_RULES = 200;

@Component({
  selector: 'stoa-my-rules-page',
  imports: [ReactiveFormsModule, MatCardModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatSelectModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './my-rules-page.html',
  styles: `
    mat-card { margin-bottom: 16px; } h3 { font: var(--mat-sys-title-small); margin: 8px 0 0; }
    .spacer { flex: 1 1 auto; }
    .row { display: flex; gap: 8px 16px; flex-wrap: wrap; align-items: center; } .actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
  `,
})
export class MyRulesPage implements OnInit {
  readonly #api = inject(SieveApi);
  readonly #notify = inject(Notifier);
  readonly #fb = inject(FormBuilder);
  protected readonly errorText = errorText;
  protected readonly state = new Loaded<RulesState>(() => this.#api.myRules());
  protected readonly script = computed(() => this.state.value()?.script ?? null);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly rules = new FormArray<ReturnType<typeof ruleGroup>>([]);
  protected readonly form = new FormGroup({ rules: this.rules });
  protected readonly count = signal(0);
  protected readonly maxRules = MAX_RULES;

  async ngOnInit(): Promise<void> {
    const v = await this.state.reload();
    if (!v) return;
    this.rules.clear();
    for (const r of v.rules) this.rules.push(ruleGroup(this.#fb, r));
    this.count.set(this.rules.length);
  }

  addRule(): void {
    if (this.rules.length >= MAX_RULES) return;
    this.rules.push(ruleGroup(this.#fb));
    this.count.set(this.rules.length);
  }

  removeRule(i: number): void {
    this.rules.removeAt(i);
    this.count.set(this.rules.length);
  }

  moveRule(i: number, by: -1 | 1): void {
    const j = i + by;
    if (j < 0 || j >= this.rules.length) return;
    const rule = this.rules.at(i);
    this.rules.removeAt(i);
    this.rules.insert(j, rule);
  }

  async saveRules(): Promise<void> {
    this.rules.markAllAsTouched();
    if (this.rules.invalid || this.busy()) return;
    this.busy.set(true);
    this.formError.set(null);
    try {
      const saved = await this.#api.setMyRules(this.rules.controls.map((g) => ruleFrom(g.getRawValue())));
      this.state.value.set(saved);
      this.#notify.done(`${saved.rules.length} rule${saved.rules.length === 1 ? '' : 's'} saved`);
    } catch (err) {
      const p = problemFrom(err);
      const rest: string[] = [];
      // "/body/rules/2/conditions/from/0" lands under rule 2's "From" field.
      for (const [path, message] of p.fields) {
        const at = ruleFieldOf(path);
        const control = at ? this.rules.at(at[0])?.get(at[1]) : null;
        if (control) {
          control.setErrors({ server: message });
          control.markAsTouched();
        } else rest.push(`${path || 'request'}: ${message}`);
      }
      if (p.fields.size === 0) rest.push(p.summary);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }
}
