// The example scripts of RFC 5228 and of the extension RFCs, parsed and run
// against messages, with the actions the RFCs describe. Each row: which RFC
// section, the script, the message (and environment), the expected actions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { message, run, type RunOptions } from './run-helper.ts';

interface Row {
  name: string;
  script: string;
  msg: Buffer;
  expect: string[];
  opts?: RunOptions;
}

const plain = message({ From: 'Joe <joe@example.net>', To: 'me@example.com', Subject: 'hello', Date: 'Tue, 10 Mar 2026 10:00:00 +0100' });

const RFC5228_EXAMPLE = `#
# Example Sieve Filter
# Declare any optional features or extension used by the script
#
require ["fileinto"];

#
# Handle messages from known mailing lists
# Move messages from IETF filter discussion list to filter mailbox
#
if header :is "Sender" "owner-ietf-mta-filters@imc.org"
        {
        fileinto "filter";  # move to "filter" mailbox
        }
#
# Keep all messages to or from people in my company
#
elsif address :DOMAIN :is ["From", "To"] "example.com"
        {
        keep;               # keep in "In" mailbox
        }

#
# Try and catch unsolicited email.  If a message is not to me,
# or it contains a subject known to be spam, file it away.
#
elsif anyof (NOT address :all :contains
               ["To", "Cc", "Bcc"] "me@example.com",
             header :matches "subject"
               ["*make*money*fast*", "*university*dipl*mas*"])
        {
        fileinto "spam";   # move to "spam" mailbox
        }
else
        {
        # Move all other (non-company) mail to "personal"
        # mailbox.
        fileinto "personal";
        }
`;

const rows: Row[] = [
  // ---- RFC 5228 ------------------------------------------------------------
  { name: '5228 §9: list mail goes to "filter"', script: RFC5228_EXAMPLE, msg: message({ Sender: 'owner-ietf-mta-filters@imc.org', From: 'x@y.org', To: 'list@imc.org' }), expect: ['fileinto:filter'] },
  { name: '5228 §9: company mail is kept', script: RFC5228_EXAMPLE, msg: message({ From: 'boss@example.com', To: 'me@example.com' }), expect: ['keep'] },
  { name: '5228 §9: mail not to me is spam', script: RFC5228_EXAMPLE, msg: message({ From: 'x@other.org', To: 'you@other.org' }), expect: ['fileinto:spam'] },
  { name: '5228 §9: make money fast is spam', script: RFC5228_EXAMPLE, msg: message({ From: 'x@other.org', To: 'friends@other.org', Cc: 'me@example.com', Subject: 'How to MAKE lots of money really fast' }), expect: ['fileinto:spam'] },
  { name: '5228 §9: other mail goes to "personal"', script: RFC5228_EXAMPLE, msg: message({ From: 'friend@other.org', To: 'friends@other.org', Cc: 'me@example.com', Subject: 'dinner' }), expect: ['fileinto:personal'] },
  {
    name: '5228 §3.1: if/elsif/else',
    script: 'require "fileinto";\nif header :contains "from" "coyote" {\n  discard;\n} elsif header :contains ["subject"] ["$$$"] {\n  discard;\n} else {\n  fileinto "INBOX";\n}',
    msg: message({ From: 'wile.coyote@acme.example', Subject: 'birdseed' }), expect: ['discard'],
  },
  { name: '5228 §3.1: else branch files into INBOX, which is the keep', script: 'require "fileinto";\nif header :contains "from" "coyote" { discard; } else { fileinto "INBOX"; }', msg: plain, expect: ['keep'] },
  { name: '5228 §3.3: stop ends the script before later actions', script: 'keep;\nstop;\ndiscard;', msg: plain, expect: ['keep'] },
  { name: '5228 §4.2: redirect cancels the implicit keep', script: 'redirect "bart@example.com";', msg: plain, expect: ['redirect:bart@example.com'] },
  { name: '5228 §4.3: explicit keep', script: 'if size :under 1M { keep; } else { discard; }', msg: plain, expect: ['keep'] },
  { name: '5228 §4.4: discard drops the message', script: 'if header :contains ["from"] ["idiot@example.com"] { discard; }', msg: message({ From: 'Idiot <IDIOT@example.com>' }), expect: ['discard'] },
  { name: '5228 §5.1: address :all :is', script: 'if address :is :all "from" "tim@example.com" { discard; }', msg: message({ From: '"Tim" <tim@EXAMPLE.com>' }), expect: ['discard'] },
  { name: '5228 §5.1: address :localpart', script: 'if address :localpart :is "to" "me" { discard; }', msg: plain, expect: ['discard'] },
  { name: '5228 §5.4: envelope :all :is from', script: 'require "envelope";\nif envelope :all :is "from" "tim@example.com" { discard; }', msg: plain, opts: { envelope: { from: 'tim@example.com', to: 'me@example.com' } }, expect: ['discard'] },
  { name: '5228 §5.4: envelope null sender matches ""', script: 'require "envelope";\nif envelope :is "from" "" { discard; }', msg: plain, opts: { envelope: { from: '', to: 'me@example.com' } }, expect: ['discard'] },
  { name: '5228 §5.5: exists needs every header', script: 'if not exists ["From","Date"] { discard; }', msg: message({ From: 'a@b.example' }), expect: ['discard'] },
  { name: '5228 §5.5: exists with both headers present', script: 'if not exists ["From","Date"] { discard; }', msg: plain, expect: ['keep'] },
  { name: '5228 §5.6: false', script: 'if false { discard; }', msg: plain, expect: ['keep'] },
  { name: '5228 §5.7: header :contains with lists', script: 'if header :contains ["From","Cc"] ["mouse","joe"] { discard; }', msg: plain, expect: ['discard'] },
  { name: '5228 §5.7: header decodes RFC 2047', script: 'if header :is "subject" "Grüße" { discard; }', msg: message({ Subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=' }), expect: ['discard'] },
  { name: '5228 §5.9: size :over with a quantifier', script: 'if size :over 1K { discard; }', msg: message({ Subject: 'big' }, `${'x'.repeat(2000)}\r\n`), expect: ['discard'] },
  { name: '5228 §2.7.1: :matches with ? and escaped *', script: 'if header :matches "subject" "a?c\\\\*" { discard; }', msg: message({ Subject: 'abc*' }), expect: ['discard'] },
  { name: '5228 §2.7.3: i;octet is case-sensitive', script: 'if header :is :comparator "i;octet" "subject" "HELLO" { discard; }', msg: plain, expect: ['keep'] },
  { name: '5228 §2.10.3: duplicate fileinto is done once', script: 'require "fileinto";\nfileinto "A";\nfileinto "A";', msg: plain, expect: ['fileinto:A'] },
  { name: '5228 §2.4.2: multi-line string with dot-stuffing', script: 'require "reject";\nreject text:\nline one\n..dot\n.\n;', msg: plain, expect: ['reject:line one\r\n.dot\r\n'] },
  { name: '5228 §2.4.2.4: encoded-character hex', script: 'require "encoded-character";\nif header :contains "Subject" "$${hex:24 24}" { discard; }', msg: message({ Subject: 'win $$$ now' }), expect: ['discard'] },
  { name: '5228 §2.4.2.4: encoded-character unicode', script: 'require ["encoded-character", "fileinto"];\nfileinto "${unicode:48 65 6C 6c 6F}-${UNICODE:1F600}";', msg: plain, expect: ['fileinto:Hello-😀'] },
  { name: '5228 §2.4.2.4: without the extension the text stays', script: 'require "fileinto";\nfileinto "${hex:41}";', msg: plain, expect: ['fileinto:${hex:41}'] },

  // ---- RFC 3894 copy ---------------------------------------------------------
  { name: '3894: fileinto :copy keeps the implicit keep', script: 'require ["copy", "fileinto"];\nfileinto :copy "incoming";', msg: plain, expect: ['keep', 'fileinto:incoming'] },
  { name: '3894: redirect :copy keeps the implicit keep', script: 'require "copy";\nredirect :copy "other@example.net";', msg: plain, expect: ['keep', 'redirect:other@example.net'] },

  // ---- RFC 5229 variables ----------------------------------------------------
  {
    name: '5229 §3: variables in a multi-line string',
    script: 'require ["variables", "reject"];\nset "honorific" "Mr";\nset "first_name" "Wile";\nset "last_name" "Coyote";\nset "vacation" text:\nDear ${HONORIFIC} ${last_name},\nI\'m out, please leave a message after the meep.\n.\n;\nreject "${vacation}";',
    msg: plain, expect: ['reject:Dear Mr Coyote,\r\nI\'m out, please leave a message after the meep.\r\n'],
  },
  {
    name: '5229 §3.2: match variables of :matches',
    script: 'require ["fileinto", "variables"];\nif header :matches "List-ID" "*<*@*" {\n  fileinto "INBOX.lists.${2}"; stop;\n}\nif header :matches "Subject" "[*] *" {\n  fileinto "INBOX.lists.${1}"; stop;\n}',
    msg: message({ Subject: '[acme-users] [fwd] version 1.0 is out' }), expect: ['fileinto:INBOX.lists.acme-users'],
  },
  {
    name: '5229 §3.2: "**" leaves ${1} empty',
    script: 'require ["fileinto", "variables"];\nif address :matches ["To", "Cc"] ["coyote@**.com", "wile@**.com"] {\n  fileinto "INBOX.business.${2}"; stop;\n}',
    msg: message({ To: 'coyote@ACME.Example.COM' }), expect: ['fileinto:INBOX.business.ACME.Example'],
  },
  {
    name: '5229 §4.1: set modifiers',
    script: 'require ["variables", "fileinto"];\nset "a" "juMBlEd lETteRS";\nset :length "b" "${a}";\nset :lower "c" "${a}";\nset :upperfirst "d" "${a}";\nset :upperfirst :lower "e" "${a}";\nset :quotewildcard "f" "Rock*";\nfileinto "${b}|${c}|${d}|${e}|${f}";',
    msg: plain, expect: ['fileinto:15|jumbled letters|JuMBlEd lETteRS|Jumbled letters|Rock\\*'],
  },
  {
    name: '5229 §5: string test',
    script: 'require ["variables", "fileinto"];\nset "state" "${state} pending";\nif string :matches " ${state} " "* pending *" { fileinto "pending"; }',
    msg: plain, expect: ['fileinto:pending'],
  },

  // ---- RFC 5230 / 6131 vacation ----------------------------------------------
  {
    name: '5230 §4: vacation does not cancel the implicit keep',
    script: 'require "vacation";\nif header :contains "subject" "cyrus" {\n  vacation "I\'m out -- send mail to cyrus-bugs";\n} else {\n  vacation "I\'m out -- call me at 321-1723";\n}',
    msg: message({ Subject: 'cyrus problem' }), expect: ['keep', 'vacation:I\'m out -- send mail to cyrus-bugs'],
  },
  {
    name: '5230 §4.1: :days and :addresses',
    script: 'require "vacation";\nvacation :days 23 :addresses ["tjs@example.edu", "ts4z@landru.example.edu"]\n  "I\'m away until October 19.  If it\'s an emergency, call 911, I guess." ;',
    msg: plain, expect: ['keep', 'vacation:I\'m away until October 19.  If it\'s an emergency, call 911, I guess.'],
  },
  {
    name: '6131: vacation :seconds',
    script: 'require ["vacation-seconds"];\nvacation :addresses ["tjs@example.edu", "ts4z@landru.example.edu"] :seconds 1800\n  "I am in a meeting, and do not have access to email.";',
    msg: plain, expect: ['keep', 'vacation:I am in a meeting, and do not have access to email.'],
  },

  // ---- RFC 5232 imap4flags ---------------------------------------------------
  {
    name: '5232 §6: flags in a variable go with fileinto',
    script: 'require ["fileinto", "imap4flags", "variables"];\nif size :over 1M {\n  addflag "MyFlags" "Big";\n  if header :is "From" "boss@company.example.com" { addflag "MyFlags" "\\\\Flagged"; }\n  fileinto :flags "${MyFlags}" "Big messages";\n}\nif header :is "From" "grandma@example.net" {\n  addflag "MyFlags" ["\\\\Answered", "$MDNSent"];\n  fileinto :flags "${MyFlags}" "GrandMa";\n}',
    msg: message({ From: 'grandma@example.net' }), expect: ['fileinto:GrandMa[\\Answered $MDNSent]'],
  },
  {
    name: '5232 §5: the implicit keep carries the internal flags',
    script: 'require "imap4flags";\nsetflag "\\\\Seen";\naddflag ["\\\\Flagged", "\\\\seen"];\nremoveflag "\\\\Seen";',
    msg: plain, expect: ['keep[\\Flagged]'],
  },
  {
    name: '5232 §4: hasflag',
    script: 'require ["imap4flags", "fileinto"];\naddflag "$Work";\nif hasflag :is "$work" { fileinto "Work"; }',
    msg: plain, expect: ['fileinto:Work[$Work]'],
  },

  // ---- RFC 5173 body ---------------------------------------------------------
  {
    name: '5173 §7: body :content "text" :contains',
    script: 'require ["body", "fileinto"];\nif body :content "text" :contains ["missile", "coordinates"] { fileinto "secrets"; }',
    msg: message({ 'Content-Type': 'multipart/mixed; boundary="b"' }, '--b\r\nContent-Type: text/plain\r\n\r\nThe MISSILE launch\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\nxx\r\n--b--\r\n'),
    expect: ['fileinto:secrets'],
  },
  {
    name: '5173 §7: body :content "audio" with an empty key finds an attachment',
    script: 'require ["body", "fileinto"];\nif body :content "audio" :contains "" { fileinto "music"; }',
    msg: message({ 'Content-Type': 'multipart/mixed; boundary="b"' }, '--b\r\nContent-Type: text/plain\r\n\r\nsong\r\n--b\r\nContent-Type: audio/mpeg\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n'),
    expect: ['fileinto:music'],
  },
  { name: '5173: body :text decodes quoted-printable', script: 'require "body";\nif body :text :contains "café" { discard; }', msg: message({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'quoted-printable' }, 'un caf=C3=A9\r\n'), expect: ['discard'] },
  { name: '5173: body :raw sees the encoded text', script: 'require "body";\nif body :raw :contains "caf=C3=A9" { discard; }', msg: message({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Transfer-Encoding': 'quoted-printable' }, 'un caf=C3=A9\r\n'), expect: ['discard'] },
  { name: '5173: HTML parts are matched as text', script: 'require "body";\nif body :contains "unsubscribe here" { discard; }', msg: message({ 'Content-Type': 'text/html' }, '<p>To <b>unsubscribe</b> here click</p>\r\n'), expect: ['discard'] },

  // ---- RFC 5231 relational ---------------------------------------------------
  {
    name: '5231 §7: header :value "lt" with i;ascii-numeric',
    script: 'require ["relational", "comparator-i;ascii-numeric", "fileinto"];\nif header :value "lt" :comparator "i;ascii-numeric" ["x-priority"] ["3"] { fileinto "Priority"; }\nelsif address :count "gt" :comparator "i;ascii-numeric" ["to"] ["5"] { fileinto "SPAM"; }\nelsif address :value "gt" :all :comparator "i;ascii-casemap" ["from"] ["M"] { fileinto "From N-Z"; }\nelse { fileinto "From A-M"; }',
    msg: message({ 'X-Priority': '1 (Highest)', From: 'a@b.example' }), expect: ['fileinto:Priority'],
  },
  {
    name: '5231 §7: address :count "gt"',
    script: 'require ["relational", "comparator-i;ascii-numeric", "fileinto"];\nif address :count "gt" :comparator "i;ascii-numeric" ["to"] ["5"] { fileinto "SPAM"; }',
    msg: message({ To: 'a@x.example, b@x.example, c@x.example, d@x.example, e@x.example, f@x.example' }), expect: ['fileinto:SPAM'],
  },
  {
    name: '5231 §7: address :value "gt" compares as strings',
    script: 'require ["relational", "fileinto"];\nif address :value "gt" :all :comparator "i;ascii-casemap" ["from"] ["M"] { fileinto "From N-Z"; } else { fileinto "From A-M"; }',
    msg: message({ From: 'Zed <zed@example.org>' }), expect: ['fileinto:From N-Z'],
  },
  {
    name: '5231 §7: allof with :count "eq" 1',
    script: 'require ["relational", "comparator-i;ascii-numeric", "fileinto"];\nif allof (address :count "eq" :comparator "i;ascii-numeric" ["to", "cc"] ["1"], address :all :comparator "i;ascii-casemap" ["to", "cc"] ["me@foo.example.com"]) { fileinto "Only me"; }',
    msg: message({ To: 'Me <ME@foo.example.com>' }), expect: ['fileinto:Only me'],
  },

  // ---- RFC 5235 spamtest / virustest -----------------------------------------
  {
    name: '5235 §3.1: spamtest "0" is untested',
    script: 'require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric"];\nif spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }\nelsif spamtest :value "ge" :comparator "i;ascii-numeric" "3" { fileinto "INBOX.spam-trap"; }',
    msg: plain, expect: ['fileinto:INBOX.unclassified'],
  },
  {
    name: '5235 §3.1: spamtest 8 goes to the spam trap',
    script: 'require ["spamtest", "fileinto", "relational", "comparator-i;ascii-numeric"];\nif spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }\nelsif spamtest :value "ge" :comparator "i;ascii-numeric" "3" { fileinto "INBOX.spam-trap"; }',
    msg: plain, opts: { spam: { score: 8, percent: 75 } }, expect: ['fileinto:INBOX.spam-trap'],
  },
  {
    name: '5235 §3.2: spamtestplus :percent',
    script: 'require ["spamtestplus", "fileinto", "relational", "comparator-i;ascii-numeric"];\nif spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }\nelsif spamtest :percent :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.not-spam"; }\nelsif spamtest :percent :value "lt" :comparator "i;ascii-numeric" "37" { fileinto "INBOX.spam-trap"; }\nelse { discard; }',
    msg: plain, opts: { spam: { score: 4, percent: 30 } }, expect: ['fileinto:INBOX.spam-trap'],
  },
  {
    name: '5235 §3.3: virustest 5 discards',
    script: 'require ["virustest", "fileinto", "relational", "comparator-i;ascii-numeric"];\nif virustest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto "INBOX.unclassified"; }\nif virustest :value "eq" :comparator "i;ascii-numeric" "4" { fileinto "INBOX.quarantine"; }\nelsif virustest :value "eq" :comparator "i;ascii-numeric" "5" { discard; }',
    msg: plain, opts: { virus: 5 }, expect: ['discard'],
  },

  // ---- RFC 5260 date / index -------------------------------------------------
  {
    name: '5260 §5: date :originalzone hour in office hours',
    script: 'require ["date", "relational", "fileinto"];\nif allof(header :is "from" "boss@example.com",\n         date :value "ge" :originalzone "date" "hour" "09",\n         date :value "lt" :originalzone "date" "hour" "17")\n{ fileinto "urgent"; }',
    msg: message({ From: 'boss@example.com', Date: 'Tue, 10 Mar 2026 10:30:00 +0100' }), expect: ['fileinto:urgent'],
  },
  {
    name: '5260 §5: the same in UTC is not office hours any more',
    script: 'require ["date", "relational", "fileinto"];\nif date :value "lt" :zone "-0200" "date" "hour" "09" { fileinto "early"; }',
    msg: message({ Date: 'Tue, 10 Mar 2026 10:30:00 +0100' }), expect: ['fileinto:early'],
  },
  {
    name: '5260 §5: currentdate range switches vacation on',
    script: 'require ["date", "relational", "vacation"];\nif allof(currentdate :value "ge" "date" "2007-06-30",\n         currentdate :value "le" "date" "2007-07-07")\n{ vacation :days 7  "I\'m away during the first week in July."; }',
    msg: plain, opts: { now: Date.parse('2007-07-02T12:00:00Z') }, expect: ['keep', 'vacation:I\'m away during the first week in July.'],
  },
  {
    name: '5260 §5: … and off outside it',
    script: 'require ["date", "relational", "vacation"];\nif allof(currentdate :value "ge" "date" "2007-06-30",\n         currentdate :value "le" "date" "2007-07-07")\n{ vacation :days 7  "I\'m away during the first week in July."; }',
    msg: plain, opts: { now: Date.parse('2007-07-08T12:00:00Z') }, expect: ['keep'],
  },
  {
    name: '5260 §5: currentdate :matches into variables',
    script: 'require ["date", "variables", "fileinto"];\nif currentdate :matches "month" "*" { set "month" "${1}"; }\nif currentdate :matches "year"  "*" { set "year" "${1}"; }\nfileinto "${month}-${year}";',
    msg: plain, expect: ['fileinto:03-2026'],
  },
  {
    name: '5260 §7: date :index on Received',
    script: 'require ["date", "relational", "index"];\nif date :value "gt" :index 2 :zone "-0500" "received" "iso8601" "2007-02-26T09:00:00-05:00" { redirect "aftertheword@example.com"; }',
    msg: message({ Received: ['from a by b; Tue, 27 Feb 2007 16:00:00 +0000', 'from c by d; Tue, 27 Feb 2007 15:59:00 +0000'] }),
    expect: ['redirect:aftertheword@example.com'],
  },
  {
    name: '5260 §7: header :index :last',
    script: 'require ["index", "fileinto"];\nif header :index 1 :last :contains "received" "first-hop" { fileinto "ok"; }',
    msg: message({ Received: ['from last-hop by x', 'from first-hop by y'] }), expect: ['fileinto:ok'],
  },
  { name: '5260 §4.2: weekday and julian', script: 'require ["date", "fileinto", "variables"];\nif currentdate :matches "weekday" "*" { set "w" "${0}"; }\nif currentdate :matches "julian" "*" { set "j" "${0}"; }\nfileinto "${w}-${j}";', msg: plain, opts: { now: Date.parse('2026-03-10T12:00:00Z') }, expect: ['fileinto:2-61109'] },

  // ---- RFC 5429 reject / ereject ----------------------------------------------
  {
    name: '5429 §2.2: reject with a multi-line reason',
    script: 'require ["reject"];\nif header :contains "from" "coyote@desert.example.org" {\n  reject text:\nI am not taking mail from you, and I don\'t\nwant your birdseed, either!\n.\n;\n}',
    msg: message({ From: 'coyote@desert.example.org' }), expect: ['reject:I am not taking mail from you, and I don\'t\r\nwant your birdseed, either!\r\n'],
  },
  { name: '5429 §2.1: ereject', script: 'require ["ereject"];\nif address :domain :is "from" "spam.example" { ereject "go away"; }', msg: message({ From: 'x@spam.example' }), expect: ['ereject:go away'] },

  // ---- RFC 5490 mailbox --------------------------------------------------------
  {
    name: '5490 §3.1: mailboxexists',
    script: 'require ["fileinto", "mailbox"];\nif mailboxexists "Partners" { fileinto "Partners"; } else { fileinto :create "INBOX.Partners"; }',
    msg: plain, opts: { mailboxes: ['INBOX'] }, expect: ['fileinto:INBOX.Partners:create'],
  },
  { name: '5490 §3.1: mailboxexists when it exists', script: 'require ["fileinto", "mailbox"];\nif mailboxexists "Partners" { fileinto "Partners"; }', msg: plain, opts: { mailboxes: ['INBOX', 'Partners'] }, expect: ['fileinto:Partners'] },

  // ---- RFC 6609 include --------------------------------------------------------
  {
    name: '6609 §3.2: include personal and global scripts in order',
    script: 'require ["include"];\ninclude :personal "always_allow";\ninclude :global "spam_tests";\ninclude :personal "mailing_lists";',
    msg: message({ From: 'friend@example.net', 'List-Id': '<dev.lists.example>' }),
    opts: {
      includes: {
        'personal:always_allow': 'if address :is "from" "boss@example.com" { keep; stop; }',
        'global:spam_tests': 'require "fileinto";\nif header :contains "subject" "viagra" { fileinto "Junk"; stop; }',
        'personal:mailing_lists': 'require ["fileinto", "variables"];\nif header :matches "List-Id" "<*.lists.*>" { fileinto "Lists/${1}"; }',
      },
    },
    expect: ['fileinto:Lists/dev'],
  },
  {
    name: '6609 §3.3: global variables shared with an included script',
    script: 'require ["include", "variables", "fileinto", "relational"];\nglobal ["test", "test_mailbox"];\nset "test" "$$";\ninclude "subject_tests";\nset "test" "Make money";\ninclude "subject_tests";\nif string :count "eq" "${test_mailbox}" "1" { fileinto "${test_mailbox}"; stop; }',
    msg: message({ Subject: 'Make money fast' }),
    opts: { includes: { 'personal:subject_tests': 'require ["include", "variables"];\nglobal ["test", "test_mailbox"];\nif header :contains "Subject" "${test}" { set "test_mailbox" "spam-${test}"; }' } },
    expect: ['fileinto:spam-Make money'],
  },
  {
    name: '6609 §3.2: "return" ends only the included script',
    script: 'require ["include", "fileinto"];\ninclude "early";\nfileinto "after";',
    msg: plain, opts: { includes: { 'personal:early': 'require "include";\nreturn;\ndiscard;' } }, expect: ['fileinto:after'],
  },
  { name: '6609: include :optional of a missing script', script: 'require ["include"];\ninclude :optional "nothing";', msg: plain, expect: ['keep'] },

  // ---- regex draft -----------------------------------------------------------------
  {
    name: 'regex: address :regex with a group',
    script: 'require ["regex", "fileinto"];\nif address :regex :comparator "i;ascii-casemap" "from" ["stephan(\\\\+.*)?@it\\\\.aoyama\\\\.ac\\\\.jp", "stephan(\\\\+.*)?@ac\\\\.aoyama\\\\.ac\\\\.jp"] { fileinto "family"; }',
    msg: message({ From: 'Stephan+list@IT.aoyama.ac.jp' }), expect: ['fileinto:family'],
  },
  {
    name: 'regex: match variables from groups and POSIX classes',
    script: 'require ["regex", "variables", "fileinto"];\nif header :regex "subject" "^Invoice ([[:digit:]]+) from (.*)$" { fileinto "Invoices/${2}/${1}"; }',
    msg: message({ Subject: 'Invoice 2026031 from ACME' }), expect: ['fileinto:Invoices/ACME/2026031'],
  },
];

describe('RFC example scripts', () => {
  for (const row of rows) {
    it(row.name, () => {
      const result = run(row.script, row.msg, row.opts);
      assert.deepEqual(result.errors.map((e) => e.message), [], 'no run-time error');
      assert.deepEqual(result.summary, row.expect);
    });
  }
});
