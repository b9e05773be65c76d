import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localReverse, parseHostsFile } from './hosts-file.ts';

describe('reverse names from the hosts file', () => {
  const table = parseHostsFile([
    '# comment line',
    '127.0.0.1\tlocalhost',
    '127.0.1.1   mail.example.test mail   # trailing comment',
    '::1 ip6-localhost ip6-loopback',
    '192.0.2.10 relay.example.test',
    '192.0.2.10 second-line.example.test',
    'not-an-ip something',
    '198.51.100.1',
    '',
    '   ',
  ].join('\n'));

  it('answers listed addresses with their first name first, in every spelling of the address', () => {
    const cases: [string, string[] | null][] = [
      ['127.0.1.1', ['mail.example.test', 'mail']],
      ['::ffff:127.0.1.1', ['mail.example.test', 'mail']],
      ['192.0.2.10', ['relay.example.test', 'second-line.example.test']],
      ['::1', ['ip6-localhost', 'ip6-loopback']],
      ['127.0.0.1', ['localhost']],
      ['198.51.100.1', null],
      ['203.0.113.5', null],
    ];
    for (const [ip, names] of cases) assert.deepEqual(localReverse(table, ip), names, ip);
  });

  it('names 127.0.0.1 and ::1 "localhost" without any file, and leaves the rest of 127/8 to DNS', () => {
    const empty = parseHostsFile('');
    assert.deepEqual(localReverse(empty, '127.0.0.1'), ['localhost']);
    assert.deepEqual(localReverse(empty, '::1'), ['localhost']);
    assert.equal(localReverse(empty, '127.0.0.2'), null);
  });
});
