// LIST and LSUB (RFC 3501 §6.3.8, §6.3.9), LIST-EXTENDED (RFC 5258) and
// mailbox names: any astring the grammar allows is parsed and answered,
// never refused as a syntax error nor answered by dropping the connection.
import type { ConformanceCase, Step } from '../runner.ts';

const ATOM_SPECIALS = "!#$&'+,-.0123456789:;<=>?@^_`|[}";

/** Fr/Foo (not subscribed) with the subscribed child Fr/Foo/Baz; Fr/Moo and its child Fr/Moo/Bar both subscribed. */
const TREE: Step[] = [
  { send: 'CREATE Fr/Foo/Baz' },
  { send: 'SUBSCRIBE Fr/Foo/Baz' },
  { send: 'CREATE Fr/Moo' },
  { send: 'CREATE Fr/Moo/Bar' },
  { send: 'SUBSCRIBE Fr/Moo' },
  { send: 'SUBSCRIBE Fr/Moo/Bar' },
];

export const cases: ConformanceCase[] = [
  {
    name: 'SELECT of a name made of atom-specials is NO (no such mailbox), and the session goes on',
    rfc: 'RFC 3501 §9 mailbox = "INBOX" / astring, §6.3.1',
    steps: [
      { send: `SELECT ${ATOM_SPECIALS}`, tagged: 'NO' },
      { send: `STATUS ${ATOM_SPECIALS} (MESSAGES)`, tagged: 'NO' },
      { send: 'NOOP' },
    ],
  },
  {
    name: 'LIST with a pattern of atom-specials and wildcards is answered, not refused, and the connection stays',
    rfc: 'RFC 3501 §9 list-mailbox, §6.3.8',
    steps: [
      { send: `LIST "" ${ATOM_SPECIALS}%*`, absent: ['* LIST $...'] },
      { send: `LSUB "" ${ATOM_SPECIALS}%*` },
      { send: 'NOOP' },
    ],
  },
  {
    name: 'a name with atom-specials in valid modified UTF-7 can be created, listed and selected',
    rfc: 'RFC 3501 §5.1.3, §9',
    steps: [
      { send: 'CREATE "x!#$&-\'+,-09:;<=>?@^_`|[}"' },
      { send: 'LIST "" "x!#$&-\'+,-09:;<=>?@^_`|[}"', untagged: ['* LIST ($...) "/" "x!#$&-\'+,-09:;<=>?@^_`|[}"'] },
      { send: 'SELECT "x!#$&-\'+,-09:;<=>?@^_`|[}"' },
    ],
  },
  {
    name: 'an empty LIST pattern returns the hierarchy delimiter and root',
    rfc: 'RFC 3501 §6.3.8',
    steps: [{ send: 'LIST "" ""', untagged: ['* LIST (\\Noselect $...) "/" ""'] }],
  },
  {
    name: 'INBOX matches case-insensitively in LIST',
    rfc: 'RFC 3501 §5.1, §6.3.8',
    steps: [{ send: 'LIST "" inbox', untagged: ['* LIST ($...) "/" INBOX'] }],
  },
  {
    name: 'RECURSIVEMATCH alone, or only with REMOTE, is BAD',
    rfc: 'RFC 5258 §3 ("The server MUST return BAD tagged response in such case")',
    requires: ['LIST-EXTENDED'],
    steps: [
      { send: 'LIST (RECURSIVEMATCH) "" *', tagged: 'BAD' },
      { send: 'LIST (RECURSIVEMATCH REMOTE) "" *', tagged: 'BAD' },
      { send: 'NOOP' },
    ],
  },
  {
    name: 'LIST (SUBSCRIBED RECURSIVEMATCH) returns a parent of a subscribed child with CHILDINFO, subscribed or not',
    rfc: 'RFC 5258 §3.5, §5 example 9',
    requires: ['LIST-EXTENDED'],
    steps: [
      ...TREE,
      {
        send: 'LIST (SUBSCRIBED RECURSIVEMATCH) "Fr/" "%"',
        untagged: ['* LIST ($...) "/" Fr/Foo ("CHILDINFO" ("SUBSCRIBED"))', '* LIST (\\Subscribed $...) "/" Fr/Moo ("CHILDINFO" ("SUBSCRIBED"))'],
        absent: ['* LIST (\\Subscribed $...) "/" Fr/Foo $...'],
      },
    ],
  },
  {
    name: '\\Subscribed is returned only when SUBSCRIBED is a selection or return option',
    rfc: 'RFC 5258 §3.1, §3.2',
    requires: ['LIST-EXTENDED'],
    steps: [
      ...TREE,
      { send: 'LIST "Fr/" "*"', untagged: ['* LIST ($...) "/" Fr/Moo'], absent: ['* LIST (\\Subscribed $...) $...'] },
      { send: 'LIST "Fr/" "*" RETURN (SUBSCRIBED)', untagged: ['* LIST (\\Subscribed $...) "/" Fr/Moo', '* LIST (\\Subscribed $...) "/" Fr/Foo/Baz'] },
      { send: 'LIST (SUBSCRIBED) "Fr/" "*"', untagged: ['* LIST (\\Subscribed $...) "/" Fr/Moo/Bar'], absent: ['* LIST ($...) "/" Fr/Foo'] },
    ],
  },
  {
    name: 'RETURN (CHILDREN SUBSCRIBED) gives both kinds of attributes',
    rfc: 'RFC 5258 §3.2, §4',
    requires: ['LIST-EXTENDED'],
    steps: [
      ...TREE,
      {
        send: 'LIST "Fr/" "%" RETURN (CHILDREN SUBSCRIBED)',
        untagged: ['* LIST (\\HasChildren \\Subscribed $...) "/" Fr/Moo', '* LIST (\\HasChildren $...) "/" Fr/Foo'],
        absent: ['* LIST (\\Subscribed $...) "/" Fr/Foo', '* LIST (\\HasNoChildren $...) "/" Fr/Moo'],
      },
      { send: 'LIST "Fr/Moo/" "%" RETURN (SUBSCRIBED CHILDREN)', untagged: ['* LIST (\\HasNoChildren \\Subscribed $...) "/" Fr/Moo/Bar'] },
    ],
  },
  {
    name: 'LIST (SUBSCRIBED) shows a subscribed name that does not exist as \\NonExistent',
    rfc: 'RFC 5258 §3.1, §3.4',
    requires: ['LIST-EXTENDED'],
    steps: [
      { send: 'CREATE Ghost/Child' },
      { send: 'SUBSCRIBE Ghost/Child' },
      { send: 'DELETE Ghost/Child' },
      { send: 'LIST (SUBSCRIBED) "Ghost/" "*"', untagged: ['* LIST (\\Subscribed \\NonExistent $...) "/" Ghost/Child'] },
    ],
  },
  {
    name: 'LSUB with "%" returns an unsubscribed parent of a subscribed child as \\Noselect',
    rfc: 'RFC 3501 §6.3.9',
    steps: [
      ...TREE,
      { send: 'LSUB "Fr/" "%"', untagged: ['* LSUB (\\Noselect $...) "/" Fr/Foo', '* LSUB ($...) "/" Fr/Moo'], absent: ['* LSUB ($...) "/" Fr/Foo/Baz'] },
      { send: 'LSUB "Fr/" "*"', untagged: ['* LSUB ($...) "/" Fr/Foo/Baz', '* LSUB ($...) "/" Fr/Moo/Bar'] },
    ],
  },
  {
    name: 'CREATE of a name that is not valid modified UTF-7 is NO, not BAD',
    rfc: 'RFC 3501 §5.1.3, §6.3.3',
    steps: [
      { send: 'CREATE "bad&name"', tagged: 'NO' },
      { send: 'NOOP' },
    ],
  },
];
