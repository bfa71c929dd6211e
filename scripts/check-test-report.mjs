#!/usr/bin/env node
// Reads a Vitest JSON report and exits 1 unless it shows a run that passed:
// CI trusts the report as well as the runner's exit code, so neither alone
// can let a failing run through.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`no readable test report at ${file}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
const problems = [
  report.numFailedTests > 0 && `${report.numFailedTests} tests failed`,
  report.numFailedTestSuites > 0 && `${report.numFailedTestSuites} test suites failed`,
  report.numTotalTests === 0 && 'no tests ran',
  report.success !== true && 'the runner reported the run as unsuccessful',
].filter(Boolean);
if (problems.length > 0) {
  console.error(`test report: ${problems.join('; ')}`);
  process.exit(1);
}
