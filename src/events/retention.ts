import { DEFAULT_EVENT_RETENTION_DAYS } from '../config.ts';

export const EVENT_RETENTION_NOTE = `Events are kept ${DEFAULT_EVENT_RETENTION_DAYS} days by default: a cursor older than the kept log is refused with CURSOR_EXPIRED; re-read current state (tasks, task), then subscribe without after.`;
