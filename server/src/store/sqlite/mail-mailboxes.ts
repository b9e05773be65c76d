// Mailboxes, ACLs and subscriptions on SQLite. Names arrive validated and
// normalised by the mail service (INBOX in upper case); here they are
// compared exactly.
import { StoaError } from '../../errors/catalogue.ts';
import type { MailboxStore } from '../mail-port.ts';
import { isUniqueViolation } from './sqlite-errors.ts';
import type { Executor } from './sqlite-executor.ts';
import { MAILBOX_SELECT, bumpModseq, decodeMailbox, getMailbox, nextUidValidity, removeCopies, requireMailbox } from './mail-rows.ts';

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export function sqliteMailboxStore(x: Executor): MailboxStore {
  return {
    create: (input) => x.write((c) => {
      try {
        c.run(
          `INSERT INTO mailboxes (id, account_id, name, special_use, uid_validity, uid_next, highest_modseq, created_at)
           VALUES (?, ?, ?, ?, ?, 1, 1, ?)`,
          input.id, input.accountId, input.name, input.specialUse, nextUidValidity(c), input.createdAt,
        );
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `mailbox ${input.name} already exists`, { cause: err });
        throw err;
      }
      if (input.subscribe) c.run('INSERT OR IGNORE INTO mail_subscriptions (account_id, name) VALUES (?, ?)', input.accountId, input.name);
      return requireMailbox(c, input.id);
    }),

    get: (id) => x.read((c) => getMailbox(c, id)),

    claimRecent: (id, throughUid) => x.write((c) => {
      const before = requireMailbox(c, id).recentUid;
      if (before <= throughUid) c.run('UPDATE mailboxes SET recent_uid = ? WHERE id = ?', throughUid + 1, id);
      return before;
    }),

    getByName: (accountId, name) => x.read((c) => {
      const row = c.get(`${MAILBOX_SELECT} WHERE m.account_id = ? AND m.name = ?`, accountId, name);
      return row ? decodeMailbox(row) : null;
    }),

    list: (accountId) => x.read((c) => c.all(`${MAILBOX_SELECT} WHERE m.account_id = ? ORDER BY m.name`, accountId).map(decodeMailbox)),

    rename: (id, newName) => x.write((c) => {
      const mailbox = requireMailbox(c, id);
      const oldName = mailbox.name;
      // RFC 9051 §6.3.6: children move with their parent.
      const family = c.all(
        `SELECT id, name FROM mailboxes WHERE account_id = ? AND (name = ? OR name LIKE ? ESCAPE '\\') ORDER BY length(name) DESC`,
        mailbox.accountId, oldName, `${escapeLike(oldName)}/%`,
      );
      for (const row of family) {
        const name = String(row.name);
        const renamed = newName + name.slice(oldName.length);
        try {
          c.run('UPDATE mailboxes SET name = ? WHERE id = ?', renamed, String(row.id));
        } catch (err) {
          if (isUniqueViolation(err)) throw new StoaError('STOA_CONFLICT', `mailbox ${renamed} already exists`, { cause: err });
          throw err;
        }
        // Subscriptions follow the mailbox, as clients expect after a rename.
        if (c.run('DELETE FROM mail_subscriptions WHERE account_id = ? AND name = ?', mailbox.accountId, name) > 0) {
          c.run('INSERT OR IGNORE INTO mail_subscriptions (account_id, name) VALUES (?, ?)', mailbox.accountId, renamed);
        }
      }
      return requireMailbox(c, id);
    }),

    setSpecialUse: (id, specialUse) => x.write((c) => {
      if (c.run('UPDATE mailboxes SET special_use = ? WHERE id = ?', specialUse, id) === 0) throw new StoaError('STOA_NOT_FOUND', `mailbox ${id}`);
      return requireMailbox(c, id);
    }),

    delete: (id) => x.write((c) => {
      const mailbox = requireMailbox(c, id);
      const rows = c.all('SELECT uid, size FROM mail_messages WHERE mailbox_id = ?', id);
      const bytes = rows.reduce((n, r) => n + Number(r.size), 0);
      if (rows.length > 0) removeCopies(c, mailbox, rows.map((r) => Number(r.uid)), bumpModseq(c, id));
      c.run('DELETE FROM mail_expunged WHERE mailbox_id = ?', id);
      c.run('DELETE FROM mail_acl WHERE mailbox_id = ?', id);
      c.run('DELETE FROM mailboxes WHERE id = ?', id);
      return { messages: rows.length, bytes };
    }),

    setAcl: (mailboxId, identifier, rights) => x.write((c) => {
      requireMailbox(c, mailboxId);
      if (!rights) c.run('DELETE FROM mail_acl WHERE mailbox_id = ? AND identifier = ?', mailboxId, identifier);
      else {
        c.run(
          `INSERT INTO mail_acl (mailbox_id, identifier, rights) VALUES (?, ?, ?)
           ON CONFLICT (mailbox_id, identifier) DO UPDATE SET rights = excluded.rights`,
          mailboxId, identifier, rights,
        );
      }
    }),

    getAcl: (mailboxId) => x.read((c) => c.all('SELECT identifier, rights FROM mail_acl WHERE mailbox_id = ? ORDER BY identifier', mailboxId)
      .map((r) => ({ identifier: String(r.identifier), rights: String(r.rights) }))),

    sharedWith: (identifiers) => x.read((c) => {
      if (identifiers.length === 0) return [];
      const rows = c.all(
        `SELECT m.*, a.identifier AS acl_identifier, a.rights AS acl_rights,
           EXISTS (SELECT 1 FROM mail_subscriptions s WHERE s.account_id = m.account_id AND s.name = m.name) AS subscribed
         FROM mail_acl a JOIN mailboxes m ON m.id = a.mailbox_id
         WHERE a.identifier IN (${identifiers.map(() => '?').join(', ')}) ORDER BY m.account_id, m.name, a.identifier`,
        ...identifiers,
      );
      return rows.map((r) => ({ mailbox: decodeMailbox(r), identifier: String(r.acl_identifier), rights: String(r.acl_rights) }));
    }),

    subscribe: (accountId, name) => x.write((c) => {
      c.run('INSERT OR IGNORE INTO mail_subscriptions (account_id, name) VALUES (?, ?)', accountId, name);
    }),
    unsubscribe: (accountId, name) => x.write((c) => {
      c.run('DELETE FROM mail_subscriptions WHERE account_id = ? AND name = ?', accountId, name);
    }),
    subscriptions: (accountId) => x.read((c) => c.all('SELECT name FROM mail_subscriptions WHERE account_id = ? ORDER BY name', accountId)
      .map((r) => String(r.name))),
  };
}
