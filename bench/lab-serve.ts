// Lab cost: start 4,096 hosts (bench mix, ECDSA, port 8443), then fetch EWS + logon from every
// Exchange-like host over one keep-alive TLS connection each, 256 hosts in flight.
// Prints start time, RSS, requests/s and process CPU per request (lab + this client together).
// Usage: node --import tsx bench/lab-serve.ts [count]
import { Agent, request } from 'node:https';
import { startLab } from '../src/lab/index.js';

const count = Number(process.argv[2] ?? 4096);
const t0 = performance.now();
const lab = await startLab({ seed: 1, count, base: '127.91.0.1', httpsPort: 8443, mix: 'bench' });
const startMs = performance.now() - t0;
const rssAfterStart = process.memoryUsage().rss;

function get(agent: Agent, ip: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: ip, port: 8443, path, agent, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.setTimeout(3000, () => req.destroy());
    req.on('error', () => resolve());
    req.end();
  });
}

const targets = lab.hosts.filter((h) => h.exposes.tls && h.kind !== 'hostile');
let next = 0;
let requests = 0;
const cpu0 = process.cpuUsage();
const w0 = performance.now();
await Promise.all(
  Array.from({ length: 256 }, async () => {
    while (next < targets.length) {
      const h = targets[next++];
      if (!h) break;
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (const path of ['/EWS/Exchange.asmx', '/owa/auth/logon.aspx']) {
        await get(agent, h.ip, path);
        requests++;
      }
      agent.destroy();
    }
  }),
);
const wallS = (performance.now() - w0) / 1000;
const cpu = process.cpuUsage(cpu0);
const peakRss = process.memoryUsage().rss;
await lab.stop();
console.log(
  `lab: ${count} hosts started in ${startMs.toFixed(0)} ms, RSS ${(rssAfterStart / 1e6).toFixed(0)} MB`,
);
console.log(
  `serve: ${targets.length} hosts, ${requests} requests in ${wallS.toFixed(2)} s = ${(targets.length / wallS).toFixed(0)} hosts/s, ` +
    `${((cpu.user + cpu.system) / 1000 / targets.length).toFixed(2)} ms CPU per host (lab + client), RSS ${(peakRss / 1e6).toFixed(0)} MB`,
);
