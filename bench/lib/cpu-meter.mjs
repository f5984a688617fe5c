import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** utime + stime of a process, in ms (Linux /proc, 100 Hz clock ticks); null when it is gone. */
export function processCpuMs(pid) {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return null;
  const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Busy and total CPU time of the whole machine so far, in ms (first line of /proc/stat). */
function machineCpuMs() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number);
  return {
    busy: (user + nice + system + irq + softirq + steal) * 10,
    total: (user + nice + system + idle + iowait + irq + softirq + steal) * 10,
  };
}

/**
 * Where the machine's CPU went during a phase, beyond the api and worker
 * (which the bench measures itself): the PostgreSQL backends serving the
 * bench database, Redis, and the share of both cores that was busy at all.
 * Backends that start during the phase count whole; ones that end are lost.
 * `redis` is null with the queues in PostgreSQL: there is no Redis to read, and
 * its share is reported as null rather than read from one that plays no part.
 */
export async function startCpuMeter(db, redis) {
  const backendPids = async () =>
    (await db.rows(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).map(
      (row) => row.pid,
    );
  const redisCpuMs = async () => {
    if (redis === null) return null;
    const info = await redis.info('cpu');
    const seconds = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000;
  };
  const backendsBefore = new Map((await backendPids()).map((pid) => [pid, processCpuMs(pid) ?? 0]));
  const redisBefore = await redisCpuMs();
  const machineBefore = machineCpuMs();
  return async function stop() {
    const machineAfter = machineCpuMs();
    let postgresMs = 0;
    for (const pid of await backendPids()) {
      const now = processCpuMs(pid);
      if (now !== null) postgresMs += now - (backendsBefore.get(pid) ?? 0);
    }
    const redisAfter = await redisCpuMs();
    const total = machineAfter.total - machineBefore.total;
    return {
      postgresMs,
      redisMs: redisAfter === null ? null : Math.round(redisAfter - redisBefore),
      machineBusyShare: total > 0 ? (machineAfter.busy - machineBefore.busy) / total : null,
      cores: cpus().length,
    };
  };
}
