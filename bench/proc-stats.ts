import { readFile } from 'node:fs/promises';

/** Linux reports CPU times in USER_HZ ticks, fixed at 100 on the platforms Node ships for. */
const TICKS_PER_SECOND = 100;

export interface ProcessMemory {
  rssBytes: number;
  /** The kernel's high-water mark of RSS since the process started. */
  peakRssBytes: number;
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

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return (user + system) / TICKS_PER_SECOND;
}
