// Folder names that mean a special-use folder (RFC 6154) in the languages
// mail servers and clients create them in, for sources that do not announce
// SPECIAL-USE or XLIST (older Exchange and Kerio IMAP, mbox and Maildir
// trees, PST files from localized Outlook). Compared after NFC and lower
// case on the folder's own name, only for top-level folders (or children of
// INBOX, where Courier-style servers put them). docs/migration.md lists them.
import type { SpecialUse } from '../model.ts';

const NAMES: Record<Exclude<SpecialUse, '\\All' | '\\Flagged'>, readonly string[]> = {
  '\\Sent': [
    'sent', 'sent items', 'sent messages', 'sent mail', 'sent-mail', 'outbox sent', // English (Exchange, Apple, Gmail, Thunderbird)
    'gesendet', 'gesendete elemente', 'gesendete objekte', 'gesendete nachrichten', // German
    'envoyés', 'éléments envoyés', 'messages envoyés', 'envoyes', // French
    'enviados', 'elementos enviados', 'mensajes enviados', 'enviado', // Spanish
    'posta inviata', 'inviata', 'inviati', 'elementi inviati', // Italian
    'itens enviados', 'enviadas', 'mensagens enviadas', // Portuguese
    'verzonden', 'verzonden items', 'verzonden berichten', // Dutch
    'wysłane', 'elementy wysłane', // Polish
    'odeslaná pošta', 'odeslané', 'odoslané', 'odoslaná pošta', // Czech, Slovak
    'skickat', 'skickade objekt', 'skickade', // Swedish
    'sendt', 'sendte elementer', 'sendt post', // Danish, Norwegian
    'lähetetyt', 'lähetetyt kohteet', // Finnish
    'elküldött elemek', 'elküldött', // Hungarian
    'gönderilmiş öğeler', 'gönderilenler', // Turkish
    'απεσταλμένα', 'σταλμένα', // Greek
    'trimise', 'elemente trimise', // Romanian
    'poslano', 'poslane stavke', // Slovenian, Croatian
    'отправленные', 'надіслані', 'изпратени', // Russian, Ukrainian, Bulgarian
    '送信済みアイテム', '送信済み', '送信済みメール', // Japanese
    '已发送', '已发送邮件', '寄件備份', '已傳送郵件', // Chinese
    '보낸 편지함', '보낸편지함', // Korean
  ],
  '\\Drafts': [
    'drafts', 'draft', 'entwürfe', 'brouillons', 'borradores', 'bozze', 'rascunhos', 'concepten', 'kopie robocze', 'koncepty',
    'rozpracované', 'utkast', 'kladder', 'luonnokset', 'piszkozatok', 'taslaklar', 'πρόχειρα', 'ciorne', 'osnutki', 'skice',
    'черновики', 'чернетки', 'чернови', '下書き', '草稿', '草稿箱', '임시 보관함', '임시보관함',
  ],
  '\\Trash': [
    'trash', 'deleted items', 'deleted messages', 'bin', 'deleted',
    'papierkorb', 'gelöschte elemente', 'gelöschte objekte', 'corbeille', 'éléments supprimés', 'papelera', 'elementos eliminados',
    'cestino', 'posta eliminata', 'elementi eliminati', 'lixeira', 'lixo', 'itens excluídos', 'itens eliminados', 'prullenbak',
    'verwijderde items', 'kosz', 'elementy usunięte', 'koš', 'odstraněná pošta', 'papperskorgen', 'borttagna objekt', 'papirkurv',
    'slettede elementer', 'roskakori', 'poistetut', 'poistetut kohteet', 'törölt elemek', 'silinmiş öğeler', 'çöp kutusu',
    'κάδος απορριμμάτων', 'διαγραμμένα', 'coș de gunoi', 'smeti', 'корзина', 'удаленные', 'удалённые', 'кошик', 'кошче',
    '削除済みアイテム', 'ゴミ箱', '已删除', '已删除邮件', '垃圾桶', '刪除的郵件', '지운 편지함', '휴지통',
  ],
  '\\Junk': [
    'junk', 'spam', 'junk e-mail', 'junk email', 'junk mail', 'bulk mail', 'junk-e-mail', 'spam-verdacht',
    'courrier indésirable', 'indésirables', 'pourriel', 'correo no deseado', 'posta indesiderata', 'lixo eletrônico',
    'ongewenste e-mail', 'wiadomości-śmieci', 'nevyžádaná pošta', 'skräppost', 'uønsket e-post', 'uønsket post', 'roskaposti',
    'levélszemét', 'gereksiz e-posta', 'ανεπιθύμητα', 'нежелательная почта', 'спам', '迷惑メール', '垃圾邮件', '垃圾郵件',
    '스팸 메일함', '스팸메일함',
  ],
  '\\Archive': [
    'archive', 'archives', 'archiv', 'archivio', 'archivo', 'arquivo', 'archief', 'archiwum', 'arkiv', 'arkisto',
    'archívum', 'arşiv', 'αρχείο', 'arhivă', 'архив', 'архів', 'アーカイブ', '存档', '封存', '보관함',
  ],
};

const LOOKUP = new Map<string, SpecialUse>();
for (const [use, names] of Object.entries(NAMES) as [SpecialUse, readonly string[]][]) {
  for (const name of names) LOOKUP.set(name.normalize('NFC'), use);
}

/** The special-use a folder name stands for, or null. */
export function specialUseOfName(name: string): SpecialUse | null {
  return LOOKUP.get(name.normalize('NFC').trim().toLowerCase()) ?? null;
}

/** Every name of the table, for docs and tests. */
export function localizedNames(): ReadonlyMap<string, SpecialUse> {
  return LOOKUP;
}

/** Names Outlook and other clients give the main calendar, address book and task list, in the languages above. */
const DEFAULT_COLLECTION_NAMES: Record<'calendar' | 'contacts' | 'tasks', ReadonlySet<string>> = {
  calendar: new Set(['calendar', 'kalender', 'calendrier', 'calendario', 'agenda', 'kalendarz', 'kalenteri', 'календарь', '予定表', '日历', '일정']),
  contacts: new Set(['contacts', 'kontakte', 'contactos', 'contatti', 'contactpersonen', 'kontakty', 'kontakter', 'yhteystiedot', 'контакты', '連絡先', '联系人', '연락처']),
  tasks: new Set(['tasks', 'aufgaben', 'tâches', 'tareas', 'attività', 'taken', 'zadania', 'úkoly', 'uppgifter', 'opgaver', 'oppgaver', 'tehtävät', 'задачи', 'タスク', '任务', '작업']),
};

/** True when `name` is what clients call the default collection of this kind. */
export function isDefaultCollectionName(kind: 'calendar' | 'contacts' | 'tasks', name: string): boolean {
  return DEFAULT_COLLECTION_NAMES[kind].has(name.normalize('NFC').trim().toLowerCase());
}
