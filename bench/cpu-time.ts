import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds a process has used: its own, and that of its children it has waited for. */
function cpuOf(pid: number | 'self'): { own: number; children: number } {
  // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are 14-17.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  const n = (i: number) => Number(fields[i - 3]) / TICKS_PER_SECOND;
  return { own: n(14) + n(15), children: n(16) + n(17) };
}

/**
 * CPU seconds spent during a run, by who spent them: the tool (the bench's finished child
 * processes: the worker, curl, aws, rclone), the bench process itself (which hosts the sandbox),
 * and the servers. On a 2-core machine they compete, so this says where the time goes.
 */
export function cpuMeter(servers: Record<string, number>) {
  const read = () => {
    const self = cpuOf('self');
    return {
      tool: self.children,
      sandbox: self.own,
      ...Object.fromEntries(Object.entries(servers).map(([name, pid]) => [name, cpuOf(pid).own])),
    };
  };
  const start = read();
  return (): Record<string, number> => {
    const end = read();
    return Object.fromEntries(
      Object.entries(end).map(([k, v]) => [k, Number((v - (start as Record<string, number>)[k]).toFixed(1))]),
    );
  };
}
