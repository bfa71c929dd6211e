import { readdir, readFile } from 'node:fs/promises';

/** Linux reports CPU times in USER_HZ ticks, fixed at 100 on the platforms Node ships for. */
const TICKS_PER_SECOND = 100;

export interface ProcessMemory {
  rssBytes: number;
  /** The kernel's high-water mark of RSS since the process started. */
  peakRssBytes: number;
}

export interface ProcessStat {
  pid: number;
  /** The executable's name, as the kernel keeps it (at most 15 characters). */
  command: string;
  parentPid: number;
  /** CPU seconds (user + system) of the process itself. */
  cpuSeconds: number;
  /** CPU seconds of its children that ended and were waited for. */
  reapedChildrenCpuSeconds: number;
}

function kilobytesField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`no ${field} in /proc status`);
  return Number(match[1]) * 1024;
}

/** Resident memory of a process, read from /proc so it covers the whole process, not just the JS heap. */
export async function memoryOf(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: kilobytesField(status, 'VmRSS'), peakRssBytes: kilobytesField(status, 'VmHWM') };
}

export async function statOf(pid: number): Promise<ProcessStat> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  const ticks = (index: number): number => Number(fields[index]) / TICKS_PER_SECOND;
  return {
    pid,
    command: stat.slice(stat.indexOf('(') + 1, close),
    parentPid: Number(fields[1]),
    cpuSeconds: ticks(11) + ticks(12),
    reapedChildrenCpuSeconds: ticks(13) + ticks(14),
  };
}

/** The running processes whose parent is `parentPid`. */
export async function childrenOf(parentPid: number): Promise<ProcessStat[]> {
  const entries = await readdir('/proc');
  const stats = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      // A process may end between the listing and the read; its time then moves to its parent's reaped total.
      .map((entry) => statOf(Number(entry)).catch(() => undefined)),
  );
  return stats.filter((stat): stat is ProcessStat => stat?.parentPid === parentPid);
}

/**
 * CPU seconds a server has used so far with the processes it started (a
 * gateway's processes when it runs several), running or ended: an ended
 * one's time is in its parent's reaped total.
 */
export async function treeCpuSecondsOf(pid: number): Promise<number> {
  const [own, children] = await Promise.all([statOf(pid), childrenOf(pid)]);
  return children.reduce((sum, child) => sum + child.cpuSeconds + child.reapedChildrenCpuSeconds, own.cpuSeconds + own.reapedChildrenCpuSeconds);
}

/** Resident memory of a server with the processes it started; the peak is the sum of each one's, at most what they held at once. */
export async function treeMemoryOf(pid: number): Promise<ProcessMemory> {
  const children = await childrenOf(pid);
  const memories = await Promise.all([pid, ...children.map((child) => child.pid)].map((each) => memoryOf(each).catch(() => ({ rssBytes: 0, peakRssBytes: 0 }))));
  return memories.reduce((sum, memory) => ({ rssBytes: sum.rssBytes + memory.rssBytes, peakRssBytes: sum.peakRssBytes + memory.peakRssBytes }));
}
