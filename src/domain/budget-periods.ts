import type { BudgetPeriod } from '../generated/prisma/enums.ts';

/** When a budget's period that started at `start` ends, in UTC: the next day or month; never for TOTAL. */
export function periodEnd(period: BudgetPeriod, start: Date): Date | null {
  switch (period) {
    case 'DAY':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1));
    case 'MONTH':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    case 'TOTAL':
      return null;
  }
}
