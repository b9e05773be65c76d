// The calendars, address books and file folders of an account or a shared
// mailbox (CalDAV, CardDAV, WebDAV; docs/dav.md): what they hold and where
// clients find them, their storage use, creating, renaming and deleting one,
// who each is shared with, and the owner's calendar delegates (an assistant
// acting on every calendar; Full Access holders of the mailbox are listed too).
import { ChangeDetectionStrategy, Component, type OnInit, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { DavCollectionCreate, DavCollectionUpdate, type DavCollectionView } from '@shared/schemas/dav.ts';
import { problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
import { formatBytes } from '../ui/format';
import { Loaded } from '../ui/load';
import { LoadState } from '../ui/load-state';
import { Notifier } from '../ui/notifier';
import { type Collections, type DavAccess, DavApi, type DavGrant, type DavOwnerKind } from './dav-api';

const KIND_LABEL: Record<DavCollectionView['kind'], string> = { calendar: 'Calendar', addressbook: 'Address book', files: 'Folder' };
const ROLE_LABEL: Record<string, string> = { calendar: 'default calendar', tasks: 'default task list', inbox: 'schedule inbox', addressbook: 'default address book' };
const HOLDS = { events: ['VEVENT'], tasks: ['VTODO'], both: ['VEVENT', 'VTODO'] } as const;
const ACCESS_LABEL: Record<DavAccess, string> = { read: 'Read', 'read-write': 'Read and write' };

@Component({
  selector: 'stoa-collections-page',
  imports: [ReactiveFormsModule, RouterLink, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, LoadState],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './collections-page.html',
  styles: `mat-card { margin-bottom: 16px; } .row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; } .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: middle; border: 1px solid var(--mat-sys-outline); } tr.selected td { font-weight: 600; } h2.sub { font-size: 15px; margin: 16px 0 0; }`,
})
export class CollectionsPage implements OnInit {
  /** Route parameter: the owner's id or address. */
  readonly id = input.required<string>();
  /** Whose collections: an account's or a shared mailbox's (the route's data). */
  protected readonly ownerKind: DavOwnerKind = inject(ActivatedRoute).snapshot.data['owner'] === 'shared-mailbox' ? 'shared-mailbox' : 'account';
  readonly #api = inject(DavApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly formatBytes = formatBytes;
  protected readonly kindLabel = KIND_LABEL;
  protected readonly roleLabel = ROLE_LABEL;
  protected readonly accessLabel = ACCESS_LABEL;
  protected readonly account = new Loaded<{ id: string; address: string }>(() => this.#api.owner(this.ownerKind, this.id()));
  protected readonly collections = signal<Collections | null>(null);
  protected readonly selected = signal<DavCollectionView | null>(null);
  protected readonly shares = signal<DavGrant[]>([]);
  protected readonly delegates = signal<DavGrant[]>([]);
  protected readonly createError = signal<string | null>(null);

  protected readonly createForm = this.#fb.group({
    kind: ['calendar' as 'calendar' | 'addressbook'],
    uri: ['', schemaValidators(DavCollectionCreate, 'uri')],
    displayName: ['', schemaValidators(DavCollectionCreate, 'displayName')],
    holds: ['events' as keyof typeof HOLDS],
    color: ['#1f6fd1'],
  });
  protected readonly editForm = this.#fb.group({
    displayName: ['', schemaValidators(DavCollectionUpdate, 'displayName')],
    description: ['', schemaValidators(DavCollectionUpdate, 'description')],
  });
  protected readonly shareForm = this.#fb.group({ grantee: ['', [Validators.required, Validators.maxLength(320)]], access: ['read' as DavAccess] });
  protected readonly delegateForm = this.#fb.group({ grantee: ['', [Validators.required, Validators.maxLength(320)]], access: ['read' as DavAccess] });

  async ngOnInit(): Promise<void> {
    const a = await this.account.reload();
    if (a) await this.loadCollections();
  }

  protected ownerLink(): string[] {
    return [this.ownerKind === 'account' ? '/accounts' : '/shared-mailboxes', this.accountId()];
  }

  protected accountId(): string {
    return this.account.value()?.id ?? this.id();
  }

  async loadCollections(): Promise<void> {
    try {
      this.collections.set(await this.#api.collections(this.ownerKind, this.accountId()));
      this.delegates.set(await this.#api.delegations(this.ownerKind, this.accountId()));
    } catch (err) {
      this.#notify.failed('Loading the calendars and address books', err);
    }
  }

  async select(c: DavCollectionView): Promise<void> {
    this.selected.set(c);
    this.editForm.reset({ displayName: c.displayName, description: c.description });
    this.shareForm.reset({ grantee: '', access: 'read' });
    try {
      this.shares.set(await this.#api.shares(this.ownerKind, this.accountId(), c.id));
    } catch (err) {
      this.#notify.failed('Loading the shares', err);
    }
  }

  async createCollection(): Promise<void> {
    this.createForm.markAllAsTouched();
    if (this.createForm.invalid) return;
    const v = this.createForm.getRawValue();
    const input: DavCollectionCreate = v.kind === 'calendar'
      ? { kind: 'calendar', uri: v.uri.trim(), displayName: v.displayName.trim(), color: v.color, components: [...HOLDS[v.holds]] }
      : { kind: 'addressbook', uri: v.uri.trim(), displayName: v.displayName.trim() };
    this.createError.set(null);
    try {
      const created = await this.#api.create(this.ownerKind, this.accountId(), input);
      this.#notify.done(`${KIND_LABEL[created.kind]} "${created.displayName || created.uri}" created`);
      this.createForm.reset({ kind: v.kind, uri: '', displayName: '', holds: 'events', color: v.color });
      await this.loadCollections();
    } catch (err) {
      const rest = applyProblem(this.createForm, problemFrom(err));
      this.createError.set(rest.length ? rest.join(' — ') : null);
    }
  }

  async saveCollection(): Promise<void> {
    const c = this.selected();
    this.editForm.markAllAsTouched();
    if (!c || this.editForm.invalid) return;
    const v = this.editForm.getRawValue();
    try {
      const saved = await this.#api.update(this.ownerKind, this.accountId(), c.id, { displayName: v.displayName.trim(), description: v.description.trim() });
      this.selected.set(saved);
      this.collections.update((list) => list && { ...list, items: list.items.map((x) => (x.id === saved.id ? saved : x)) });
      this.#notify.done('Saved');
    } catch (err) {
      const rest = applyProblem(this.editForm, problemFrom(err));
      if (rest.length) this.#notify.failed('Saving', new Error(rest.join(' — ')));
    }
  }

  async deleteCollection(c: DavCollectionView): Promise<void> {
    const what = `${KIND_LABEL[c.kind].toLowerCase()} "${c.displayName || c.uri}"`;
    const message = c.role
      ? `This is the account's ${ROLE_LABEL[c.role] ?? 'default collection'}: everything in it is deleted, and clients may create an empty one again.`
      : 'Everything in it is deleted for the owner and everyone it is shared with. This cannot be undone.';
    if (!await confirmAction(this.#dialog, { title: `Delete the ${what}?`, message, action: 'Delete' })) return;
    try {
      await this.#api.remove(this.ownerKind, this.accountId(), c.id);
      if (this.selected()?.id === c.id) this.selected.set(null);
      this.#notify.done(`Deleted the ${what}`);
      await this.loadCollections();
    } catch (err) {
      this.#notify.failed('Deleting', err);
    }
  }

  async shareCollection(): Promise<void> {
    const c = this.selected();
    this.shareForm.markAllAsTouched();
    if (!c || this.shareForm.invalid) return;
    const { grantee, access } = this.shareForm.getRawValue();
    try {
      this.shares.set(await this.#api.share(this.ownerKind, this.accountId(), c.id, grantee.trim(), access));
      this.shareForm.reset({ grantee: '', access });
      this.#notify.done(`Shared with ${grantee.trim()}`);
    } catch (err) {
      this.#granteeError(this.shareForm.controls.grantee, err);
    }
  }

  async unshare(g: DavGrant): Promise<void> {
    const c = this.selected();
    if (!c) return;
    try {
      await this.#api.unshare(this.ownerKind, this.accountId(), c.id, g.grantee.id);
      this.shares.update((list) => list.filter((x) => x.grantee.id !== g.grantee.id));
      this.#notify.done('No longer shared');
    } catch (err) {
      this.#notify.failed('Removing the share', err);
    }
  }

  async addDelegate(): Promise<void> {
    this.delegateForm.markAllAsTouched();
    if (this.delegateForm.invalid) return;
    const { grantee, access } = this.delegateForm.getRawValue();
    try {
      this.delegates.set(await this.#api.delegate(this.ownerKind, this.accountId(), grantee.trim(), access));
      this.delegateForm.reset({ grantee: '', access });
      this.#notify.done(`${grantee.trim()} is a calendar delegate`);
    } catch (err) {
      this.#granteeError(this.delegateForm.controls.grantee, err);
    }
  }

  async removeDelegate(g: DavGrant): Promise<void> {
    try {
      await this.#api.undelegate(this.ownerKind, this.accountId(), g.grantee.id);
      this.delegates.update((list) => list.filter((x) => x.grantee.id !== g.grantee.id));
      this.#notify.done('Delegate removed');
    } catch (err) {
      this.#notify.failed('Removing the delegate', err);
    }
  }

  /** Who is named is the problem of most refusals here (unknown, another domain, the owner): said under the field. */
  #granteeError(control: { setErrors(e: Record<string, unknown>): void; markAsTouched(): void }, err: unknown): void {
    const p = problemFrom(err);
    control.setErrors({ server: p.status === 404 || p.code === 'STOA_INVALID_REFERENCE' ? (p.detail ?? 'No account or group with this address in the domain') : p.summary });
    control.markAsTouched();
  }
}
