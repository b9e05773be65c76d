// Test directories (Samba AD DCs, slapd) each get their own loopback address
// (127.0.0.20–250), so they listen on the standard ports 389/636 like real
// ones, side by side, and parallel test files never meet. A claim is a file
// holding the claimer's pid; a claim whose process died is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Nothing listens on ip:389 or ip:636 (a stale server from a killed run would make the next start fail). */
function portsFree(ip: string): boolean {
  const out = spawnSync('ss', ['-Hltn'], { encoding: 'utf8' }).stdout ?? '';
  return !out.split('\n').some((line) => line.includes(`${ip}:389 `) || line.includes(`${ip}:636 `));
}

export function claimLoopbackAddress(): { ip: string; release(): void } {
  for (let n = 20 + (process.pid % 200); n < 20 + (process.pid % 200) + 231; n++) {
    const ip = `127.0.0.${20 + ((n - 20) % 231)}`;
    const file = join(tmpdir(), `stoa-loopback-${ip}.claim`);
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
    } catch {
      const owner = Number(readFileSync(file, 'utf8') || 0);
      if (owner && alive(owner)) continue;
      rmSync(file, { force: true });
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
      } catch {
        continue;
      }
    }
    if (!portsFree(ip)) {
      rmSync(file, { force: true });
      continue;
    }
    return { ip, release: () => rmSync(file, { force: true }) };
  }
  throw new Error('no free loopback address in 127.0.0.20-250');
}

/** True when `pid` or one of its descendants listens on ip:port (readiness: our process owns the port). */
export function ownsPort(pid: number, ip: string, port: number): boolean {
  const out = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of out.split('\n')) {
    if (!line.includes(`${ip}:${port} `)) continue;
    for (const m of line.matchAll(/pid=(\d+)/g)) {
      let p = Number(m[1]);
      for (let depth = 0; p > 1 && depth < 20; depth++) {
        if (p === pid) return true;
        try {
          p = Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
        } catch {
          break;
        }
      }
    }
  }
  return false;
}
