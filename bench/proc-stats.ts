import { readFile } from 'node:fs/promises';

/** Linux reports CPU times in USER_HZ ticks, fixed at 100 on the platforms Node ships for. */
const TICKS_PER_SECOND = 100;

export interface ProcessMemory {
  rssBytes: number;
  /** The kernel's high-water mark of RSS since the process started. */
  peakRssBytes: number;
}

export interface ProcessStat {
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
    command: stat.slice(stat.indexOf('(') + 1, close),
    parentPid: Number(fields[1]),
    cpuSeconds: ticks(11) + ticks(12),
    reapedChildrenCpuSeconds: ticks(13) + ticks(14),
  };
}

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  return (await statOf(pid)).cpuSeconds;
}
