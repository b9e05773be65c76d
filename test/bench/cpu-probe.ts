// A fixed CPU workload that tells which speed the machine runs at now: a
// virtual machine's figures can differ by a quarter between half hours with
// nothing else running, so benchmark rounds compared with each other should
// show the same probe. Prints wall and CPU ms (lower is faster).
//   node test/bench/cpu-probe.ts
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let s = 0;
for (let i = 0; i < 2e8; i++) s = (s + i * 7) % 1000003;
const rows = Array.from({ length: 2e5 }, (_, i) => ({ k: `x${i}`, v: i }));
rows.sort((a, b) => (a.k < b.k ? -1 : 1));
const cpu = process.cpuUsage(cpu0);
console.log(`cpu probe: ${(performance.now() - t0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu (checksum ${s + rows.length})`);
