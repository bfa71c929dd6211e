import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readConfig } from '../src/config.ts';
import { connectDatabase, disconnectDatabase } from '../src/db/client.ts';
import { DEFAULT_LISTENER_BUFFER } from '../src/config.ts';
import { createAccount } from '../src/services/accounts.ts';
import { createWorker } from '../src/services/workers.ts';
import { type BenchArgs, parseBenchArgs, USAGE } from './args.ts';
import { describeBaselines } from './baselines-text.ts';
import { startBareYoga } from './baselines/bare-yoga.ts';
import { startPostgraphile } from './baselines/postgraphile.ts';
import type { BenchServer } from './child-server.ts';
import { openBenchDatabase } from './database.ts';
import { startGateway } from './gateway.ts';
import { LIMITS, LIMITS_INTRO } from './limits.ts';
import { describeMachine } from './machine.ts';
import { findPgbench } from './pgbench/find-pgbench.ts';
import { findPostgresCpu } from './postgres-cpu.ts';
import { renderReport } from './report.ts';
import type { BenchContext, Scenario, ScenarioReport } from './scenario.ts';
import { cancelScenario } from './scenarios/cancel.ts';
import { cycleScenario } from './scenarios/cycle.ts';
import { hostileScenario } from './scenarios/hostile.ts';
import { schedulingScenario } from './scenarios/scheduling.ts';
import { streamsScenario } from './scenarios/streams.ts';
import { submitScenario } from './scenarios/submit.ts';
import { taskQueryScenario } from './scenarios/task-query.ts';
import { webhooksScenario } from './scenarios/webhooks.ts';
import { warmUpGateway } from './warm-up.ts';

const SCENARIOS: Scenario[] = [streamsScenario, submitScenario, cancelScenario, cycleScenario, schedulingScenario, taskQueryScenario, hostileScenario, webhooksScenario];

/** Enough for every warm-up submit at the price of any model. */
const WARM_UP_CREDITS = 1_000_000_000;

function log(line: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

async function main(argv: string[]): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const selected = args.only
    ? args.only.map((name) => {
        const scenario = SCENARIOS.find((candidate) => candidate.name === name);
        if (!scenario) throw new Error(`unknown scenario "${name}"; there are ${SCENARIOS.map((s) => s.name).join(', ')}`);
        return scenario;
      })
    : SCENARIOS;

  const startedAt = new Date();
  log('starting PostgreSQL');
  const database = await openBenchDatabase();
  const servers = new Set<BenchServer>();
  const cleanUp = async (): Promise<void> => {
    await Promise.all([...servers].map((server) => server.stop()));
    await disconnectDatabase();
    await database.stop();
  };
  process.once('SIGINT', () => {
    log('interrupted: stopping the servers and PostgreSQL');
    void cleanUp().finally(() => process.exit(130));
  });

  try {
    connectDatabase(database.url, 2);
    const poolSize = readConfig().databasePoolSize;
    const pgbench = await findPgbench();
    log('skipped' in pgbench ? `pgbench baselines skipped: ${pgbench.skipped}` : `pgbench baselines: ${pgbench.binary} (${pgbench.version})`);
    const postgresCpu = await findPostgresCpu(database.url);
    if (!postgresCpu) log("PostgreSQL's CPU will not be measured: its processes are not on this machine");
    /** Every server process is stopped at the end, and on Ctrl-C. */
    const tracked = (server: BenchServer): BenchServer => {
      servers.add(server);
      return {
        ...server,
        stop: async () => {
          servers.delete(server);
          await server.stop();
        },
      };
    };
    let accounts = 0;
    let workers = 0;
    const context: BenchContext = {
      settings: args.settings,
      databaseUrl: database.url,
      poolSize,
      pgbench,
      postgresCpu,
      async startGateway(options) {
        const gateway = tracked(
          await startGateway({
            databaseUrl: database.url,
            listenerBuffer: options?.listenerBuffer ?? DEFAULT_LISTENER_BUFFER,
            tenantLimits: options?.tenantLimits ?? false,
            cpuProfileDir: args.settings.cpuProfileDir,
            env: options?.env,
            node: options?.node,
          }),
        );
        if (options?.warmUp !== false) await warmUpGateway(gateway, (await createAccount(`bench-warm-up-${++accounts}`, WARM_UP_CREDITS)).apiKey);
        return gateway;
      },
      startBareYoga: async (node) => tracked(await startBareYoga(database.url, poolSize, node)),
      startPostgraphile: async () => {
        const started = await startPostgraphile(database.url, poolSize, log);
        return 'skipped' in started ? started : { ...started, server: tracked(started.server) };
      },
      newAccount: (credits) => createAccount(`bench-${++accounts}`, credits),
      newWorker: () => createWorker(`bench-worker-${++workers}`),
      log,
    };
    const reports: ScenarioReport[] = [];
    for (const scenario of selected) {
      log(`scenario ${scenario.name}`);
      reports.push(await scenario.run(context));
    }
    const markdown = renderReport({
      startedAt,
      command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
      machine: await describeMachine(database.url),
      database: database.description,
      poolSize,
      baselines: describeBaselines(pgbench, poolSize),
      scenarios: reports,
      limitsIntro: LIMITS_INTRO,
      limits: LIMITS,
    });
    if (args.out) {
      await mkdir(path.dirname(args.out), { recursive: true });
      await writeFile(args.out, markdown);
      log(`wrote ${args.out}`);
    }
    process.stdout.write(markdown);
  } finally {
    await cleanUp();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
