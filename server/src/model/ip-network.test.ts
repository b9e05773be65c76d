import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientKey, isLoopback, networkOf, normaliseIp } from './ip-network.ts';

describe('client addresses as limits count them', () => {
  it('treats IPv4-mapped IPv6 as IPv4', () => {
    assert.equal(normaliseIp('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(normaliseIp('::FFFF:192.0.2.7'), '192.0.2.7');
    assert.equal(normaliseIp('2001:db8::1'), '2001:db8::1');
  });

  it('knows loopback addresses in every spelling, and nothing else', () => {
    const table: [string, boolean][] = [
      ['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['0:0:0:0:0:0:0:1', true], ['::ffff:127.0.0.1', true],
      ['128.0.0.1', false], ['::2', false], ['fe80::1', false], ['10.0.0.1', false], ['not an ip', false], ['', false],
    ];
    for (const [ip, expected] of table) assert.equal(isLoopback(ip), expected, ip);
  });

  it('names the /24 and /64 (and other prefixes) a client is in', () => {
    const table: [string, number, number, string][] = [
      ['192.0.2.77', 24, 64, '192.0.2.0/24'],
      ['::ffff:198.51.100.200', 24, 64, '198.51.100.0/24'],
      ['203.0.113.9', 16, 64, '203.0.0.0/16'],
      ['203.0.113.9', 32, 64, '203.0.113.9'],
      ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', 24, 64, '2001:db8:1:2::/64'],
      ['2001:db8:1:2::5', 24, 64, '2001:db8:1:2::/64'],
      ['2001:db8::', 24, 64, '2001:db8:0:0::/64'],
      ['2001:db8:1:2ff::1', 24, 56, '2001:db8:1:200::/56'],
      ['garbage', 24, 64, 'garbage'],
    ];
    for (const [ip, v4, v6, expected] of table) assert.equal(networkOf(ip, v4, v6), expected, `${ip} /${v4} /${v6}`);
  });

  it('counts an IPv4 client by its address and an IPv6 client by its /64', () => {
    assert.equal(clientKey('192.0.2.77'), '192.0.2.77');
    assert.equal(clientKey('::ffff:192.0.2.77'), '192.0.2.77');
    assert.equal(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:2:ffff::9'));
    assert.notEqual(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'));
  });
});
