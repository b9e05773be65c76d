// Create or edit a group: address, name, kind, and its members (accounts
// and groups of the directory, or external addresses). Members are saved
// with the group, so an error leaves the stored group unchanged.
import { ChangeDetectionStrategy, Component, type OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import { GroupCreate, type Group, type GroupMember } from '@shared/schemas/directory.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { GroupsApi } from './groups-api';

interface MemberRow { member: GroupMember; label: string }

@Component({
  selector: 'stoa-group-editor',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './group-editor.html',
  styles: `mat-card { margin-bottom: 16px; } .row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; } ul.members { padding-left: 0; list-style: none; } ul.members li { display: flex; gap: 8px; align-items: center; }`,
})
export class GroupEditor implements OnInit {
  readonly id = input<string>();
  readonly #api = inject(GroupsApi);
  readonly #router = inject(Router);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly isNew = computed(() => !this.id());
  protected readonly group = new Loaded<Group>(() => this.#api.get(this.id()!));
  protected readonly members = signal<MemberRow[]>([]);
  protected readonly busy = signal(false);
  protected readonly formError = signal<string | null>(null);
  protected readonly form = this.#fb.group({
    address: ['', schemaValidators(GroupCreate, 'address', { required: true })],
    name: ['', schemaValidators(GroupCreate, 'name')],
    kind: ['distribution' as 'distribution' | 'security'],
    description: ['', schemaValidators(GroupCreate, 'description')],
  });
  protected readonly memberForm = this.#fb.group({
    kind: ['account' as GroupMember['kind']],
    address: ['', [Validators.required, Validators.pattern(/^[^\s@]+@[^\s@]+$/)]],
  });

  async ngOnInit(): Promise<void> {
    if (this.isNew()) return;
    const g = await this.group.reload();
    if (!g) return;
    this.form.controls.address.disable();
    // A directory group's name, kind and members are the directory's (docs/directory-sync.md): shown, not sent.
    if (g.source) {
      this.form.controls.name.disable();
      this.form.controls.kind.disable();
    }
    this.form.reset({ address: g.address, name: g.name, kind: g.kind, description: g.description });
    // Shown at once; labels (addresses) follow. A huge list shows ids beyond the first 200 rather than thousands of lookups.
    this.members.set(g.members.map((m) => ({ member: m, label: m.kind === 'external' ? `${m.address} (external)` : `${m.kind} ${m.id}` })));
    const rows = await Promise.all(g.members.map(async (m, i): Promise<MemberRow> => {
      if (m.kind === 'external') return { member: m, label: `${m.address} (external)` };
      if (i >= 200) return { member: m, label: `${m.kind} ${m.id}` };
      try {
        return { member: m, label: m.kind === 'account' ? (await this.#api.account(m.id)).address : `${(await this.#api.get(m.id)).address} (group)` };
      } catch {
        return { member: m, label: `${m.kind} ${m.id} (not visible)` };
      }
    }));
    this.members.set(rows);
  }

  async addMember(): Promise<void> {
    this.memberForm.markAllAsTouched();
    if (this.memberForm.invalid) return;
    const { kind, address } = this.memberForm.getRawValue();
    const a = address.trim();
    try {
      let row: MemberRow;
      if (kind === 'external') row = { member: { kind: 'external', address: a }, label: `${a} (external)` };
      else if (kind === 'account') row = { member: { kind: 'account', id: (await this.#api.account(a)).id }, label: a };
      else row = { member: { kind: 'group', id: (await this.#api.get(a)).id }, label: `${a} (group)` };
      const key = JSON.stringify(row.member);
      if (this.members().some((m) => JSON.stringify(m.member) === key)) {
        this.memberForm.controls.address.setErrors({ server: 'Already a member' });
        return;
      }
      this.members.update((list) => [...list, row]);
      this.memberForm.reset({ kind, address: '' });
    } catch (err) {
      const p = problemFrom(err);
      this.memberForm.controls.address.setErrors({ server: p.status === 404 ? `No ${kind} with this address in your domains` : p.summary });
    }
  }

  removeMember(row: MemberRow): void {
    this.members.update((list) => list.filter((m) => m !== row));
  }

  async saveGroup(): Promise<void> {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.busy()) return;
    const v = this.form.getRawValue();
    const members = this.members().map((m) => m.member);
    this.busy.set(true);
    this.formError.set(null);
    try {
      if (this.isNew()) {
        const g = await this.#api.create({ address: v.address.trim(), name: v.name, kind: v.kind, description: v.description, members });
        this.#notify.done(`Group ${g.address} created`);
        await this.#router.navigate(['/groups', g.id]);
      } else {
        const patch = this.group.value()!.source ? { description: v.description } : { name: v.name, kind: v.kind, description: v.description, members };
        this.group.value.set(await this.#api.update(this.group.value()!.id, patch));
        this.#notify.done('Group saved');
      }
    } catch (err) {
      const p = problemFrom(err);
      const rest = applyProblem(this.form, p);
      this.formError.set(rest.length ? rest.join(' — ') : null);
    } finally {
      this.busy.set(false);
    }
  }

  async deleteGroup(): Promise<void> {
    const g = this.group.value();
    if (!g || !await confirmAction(this.#dialog, { title: `Delete ${g.address}?`, message: 'Mail to this address will be refused; members keep their own accounts.', action: 'Delete group' })) return;
    try {
      await this.#api.remove(g.id);
      this.#notify.done('Group deleted');
      await this.#router.navigate(['/groups']);
    } catch (err) {
      this.#notify.failed('Deleting the group', err);
    }
  }
}
