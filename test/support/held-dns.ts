// A DNS server for tests that answers only when told to: every query is
// recorded and held; `answerPtr` answers the held queries for one name, and
// in 'drop' mode nothing is ever answered (a resolver that is unreachable
// without an ICMP error, the slowest failure there is). It stands in for the
// public DNS, which tests must not use; it speaks real DNS over UDP
// (RFC 1035 §4), so Node's resolver is not mocked.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface HeldQuery { id: number; name: string; type: number; raw: Buffer; from: RemoteInfo }

export interface HeldDns {
  /** "127.0.0.1:port", for dns.servers. */
  server: string;
  /** Every query received so far, in order. */
  readonly queries: HeldQuery[];
  /** Answers sent so far. */
  readonly answered: number;
  /** Answers the held queries for `name` (e.g. "2.0.0.127.in-addr.arpa") with a PTR record. */
  answerPtr(name: string, target: string): number;
  /** Waits until a query for `name` has arrived. */
  waitForQuery(name: string, timeoutMs?: number): Promise<HeldQuery>;
  close(): Promise<void>;
}

const PTR = 12;

function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (i < buf.length && buf[i] !== 0) {
    const len = buf[i];
    labels.push(buf.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((l) => l.length > 0).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function ptrAnswer(query: HeldQuery, target: string): Buffer {
  const { end } = readName(query.raw, 12);
  const question = query.raw.subarray(12, end + 4);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  header.writeUInt16BE(0x8180, 2); // QR, RD, RA, NOERROR
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(1, 6);
  const rdata = encodeName(target);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0); // the question's name
  rr.writeUInt16BE(PTR, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(300, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, rr, rdata]);
}

export async function startHeldDns(mode: 'hold' | 'drop' = 'hold'): Promise<HeldDns> {
  const socket: Socket = createSocket('udp4');
  const queries: HeldQuery[] = [];
  const pending: HeldQuery[] = [];
  const waiters: Array<() => void> = [];
  let answered = 0;
  socket.on('message', (raw, from) => {
    if (raw.length < 12) return;
    const { name, end } = readName(raw, 12);
    const query = { id: raw.readUInt16BE(0), name, type: raw.readUInt16BE(end), raw, from };
    queries.push(query);
    if (mode === 'hold') pending.push(query);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  return {
    server: `127.0.0.1:${port}`,
    queries,
    get answered() { return answered; },
    answerPtr(name, target) {
      let n = 0;
      for (let i = pending.length - 1; i >= 0; i--) {
        const q = pending[i];
        if (q.name !== name.toLowerCase() || q.type !== PTR) continue;
        pending.splice(i, 1);
        socket.send(ptrAnswer(q, target), q.from.port, q.from.address);
        answered += 1;
        n += 1;
      }
      return n;
    },
    async waitForQuery(name, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = queries.find((q) => q.name === name.toLowerCase());
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no query for ${name}; got ${JSON.stringify(queries.map((q) => q.name))}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 50);
          waiters.push(() => { clearTimeout(t); resolve(); });
        });
      }
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
