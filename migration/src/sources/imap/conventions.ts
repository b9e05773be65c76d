// What each kind of IMAP server means by its folders, beyond RFC 6154
// SPECIAL-USE: Gmail's virtual "[Gmail]/…" views, the calendar, contacts and
// task folders Exchange, Kerio and Zimbra show over IMAP (empty there; their
// contents come through EWS or CalDAV/CardDAV), and folders that are not
// mail at all. docs/migration.md "IMAP servers" has the table.

export type ImapFlavor = 'gmail' | 'exchange' | 'kerio' | 'zimbra' | 'dovecot' | 'generic';

/** Recognises the server from its capabilities, greeting and ID (RFC 2971) answer. */
export function detectFlavor(capabilities: ReadonlySet<string>, greeting: string, id: Record<string, string> | null): ImapFlavor {
  const text = `${greeting} ${id ? Object.values(id).join(' ') : ''}`.toLowerCase();
  if (capabilities.has('X-GM-EXT-1') || /gimap|google/.test(text)) return 'gmail';
  if (/microsoft exchange|outlook\.office|office365/.test(text)) return 'exchange';
  if (/kerio/.test(text)) return 'kerio';
  if (/zimbra/.test(text)) return 'zimbra';
  if (/dovecot/.test(text)) return 'dovecot';
  return 'generic';
}

/** Top-level folders that hold groupware, not mail, on Exchange, Kerio and Zimbra (English, German, French, Spanish, Italian, Dutch). */
const GROUPWARE_FOLDERS = new Set([
  'calendar', 'contacts', 'tasks', 'journal', 'notes', 'sync issues', 'conversation action settings', 'quick step settings',
  'rss feeds', 'rss subscriptions', 'emailed contacts', 'briefcase', 'outbox', 'suggested contacts', 'conversation history',
  'kalender', 'kontakte', 'aufgaben', 'notizen', 'synchronisierungsprobleme', 'postausgang', 'vorgeschlagene kontakte',
  'calendrier', 'tâches', 'journal', 'problèmes de synchronisation', "boîte d'envoi", 'contacts suggérés',
  'calendario', 'contactos', 'tareas', 'notas', 'diario', 'problemas de sincronización', 'bandeja de salida',
  'contatti', 'attività', 'note', 'posta in uscita',
  'agenda', 'contactpersonen', 'taken', 'notities', 'postvak uit',
].map((n) => n.normalize('NFC')));

export interface ConventionVerdict {
  /** Leave the folder out, with the reason for the report. */
  skip: string | null;
  /** The path to import it under (prefixes such as "[Gmail]/" removed). */
  path: string[];
}

export interface ConventionOptions {
  /** Import Gmail's "All Mail" (into Archive) instead of leaving it out. */
  gmailAllMail?: boolean;
}

/**
 * `path` are the levels below the personal namespace; `specialUse` as the
 * server declared it (SPECIAL-USE or XLIST).
 */
export function applyConventions(flavor: ImapFlavor, path: readonly string[], specialUse: string | null, options: ConventionOptions = {}): ConventionVerdict {
  const levels = [...path];
  if (flavor === 'gmail' && /^\[(gmail|google mail)\]$/i.test(levels[0] ?? '')) {
    if (levels.length === 1) return { skip: 'Gmail\'s "[Gmail]" is only a container', path: levels };
    if (specialUse === '\\All' && !options.gmailAllMail) {
      return { skip: 'Gmail\'s All Mail holds every message again; pass --gmail-all-mail to import it (as Archive)', path: levels };
    }
    if (specialUse === '\\Important' || specialUse === '\\Flagged') {
      return { skip: `Gmail's ${levels[1]} is a view of messages that are in their labels already`, path: levels };
    }
    return { skip: null, path: levels.slice(1) };
  }
  if ((flavor === 'exchange' || flavor === 'kerio' || flavor === 'zimbra') && levels.length >= 1 && GROUPWARE_FOLDERS.has(levels[0].normalize('NFC').toLowerCase())) {
    return { skip: `${levels.join('/')} holds ${flavor === 'exchange' ? 'Exchange' : flavor === 'kerio' ? 'Kerio' : 'Zimbra'} groupware or outgoing items, not mail; import calendars and contacts with the EWS or CalDAV/CardDAV source`, path: levels };
  }
  return { skip: null, path: levels };
}
