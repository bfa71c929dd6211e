import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { codegen } from '@graphql-codegen/core';
import * as fragmentMatcher from '@graphql-codegen/fragment-matcher';
import * as typedDocumentNode from '@graphql-codegen/typed-document-node';
import * as typescript from '@graphql-codegen/typescript';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY, runCommand } from '../helpers/commands.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { type RunningProcess, runProcess } from '../helpers/processes.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();
let scratch = '';
const running: RunningProcess[] = [];

beforeAll(async () => {
  await mkdir(path.join(REPOSITORY, '.data'), { recursive: true });
  // Inside the repository, so a snippet's imports resolve from its node_modules as from a user's project.
  scratch = await mkdtemp(path.join(REPOSITORY, '.data', 'readme-'));
});

afterAll(async () => {
  for (const process of running.splice(0)) await process.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** The code block the README marks `<!-- snippet: name -->`, pointed at this test's gateway instead of localhost:4000. */
async function snippet(name: string): Promise<string> {
  const readme = await readFile(path.join(REPOSITORY, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match?.[1]) throw new Error(`no snippet "${name}" in the README`);
  return match[1].replaceAll('localhost:4000', new URL(gateway.url).host);
}

/** The JSON values that `curl -s` printed one after another, without separators. */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') {
      if (depth === 0) start = index;
      depth++;
    } else if (char === '}' && --depth === 0) values.push(JSON.parse(text.slice(start, index + 1)));
  }
  return values;
}

async function submit(apiKey: string): Promise<void> {
  await gateway.gql('mutation { submitTask(input: { model: "upscale" }) { __typename } }', {}, apiKey);
}

describe('the README snippets, run as written against a real gateway', () => {
  it('the curl walkthrough submits, cancels with a full refund, and shows the ledger', async () => {
    const { apiKey } = await givenAccount(1_000);
    const script = (await snippet('curl-walkthrough')).replace(/^KEY=\S+/m, `KEY=${apiKey}`);
    const result = await runCommand('bash', ['-euo', 'pipefail', '-c', script]);
    expect(result.code, result.output).toBe(0);
    const [submitted, cancelled, account] = jsonValues(result.stdout);
    expect(submitted).toMatchObject({ data: { submitTask: { __typename: 'Task', state: 'PENDING', creditsUsed: null } } });
    expect(cancelled).toEqual({
      data: {
        cancelTask: {
          __typename: 'Task',
          state: 'CANCELLED',
          creditsUsed: null,
          ledgerEntries: [
            { kind: 'HOLD', amount: -120, balanceAfter: 880 },
            { kind: 'REFUND', amount: 120, balanceAfter: 1_000 },
          ],
        },
      },
    });
    expect(account).toMatchObject({ data: { account: { balance: 1_000 } } });
  });

  it('the SSE curl streams the events of the key\'s tasks', async () => {
    const { apiKey } = await givenAccount(100);
    const listeners = gateway.events.listenerCount;
    const curl = runProcess('bash', ['-c', await snippet('sse')], { KEY: apiKey });
    running.push(curl);
    await waitUntil(() => gateway.events.listenerCount > listeners);
    await submit(apiKey);
    await curl.waitFor(/event: next\ndata: .*"type":"SUBMITTED"/, 5_000);
  });

  it('the graphql-ws client receives the events of the key\'s tasks, on this Node too', async () => {
    const { apiKey } = await givenAccount(100);
    const file = path.join(scratch, 'graphql-ws.mjs');
    await writeFile(file, await snippet('graphql-ws'));
    const listeners = gateway.events.listenerCount;
    const client = runProcess(process.execPath, [file], { KEY: apiKey });
    running.push(client);
    await waitUntil(() => gateway.events.listenerCount > listeners);
    await submit(apiKey);
    await client.waitFor(/"type":"SUBMITTED","task":\{"id":"[^"]+","state":"PENDING","creditsUsed":null\}/, 5_000);
  });

  it('the codegen setup makes possibleTypes and typed operations, and Apollo Client keeps the error fields with them, drops them without', async () => {
    const config = (await import(pathToFileURL(await writeSnippet('codegen', 'codegen.ts')).href)) as {
      default: { generates: Record<string, { plugins: string[] }> };
    };
    const schema = parse(await readFile(path.join(REPOSITORY, 'schema.graphql'), 'utf8'));
    const document = parse('mutation Submit($model: String!) { submitTask(input: { model: $model }) { __typename ... on Error { code } } }');
    const pluginMap = {
      'fragment-matcher': fragmentMatcher,
      typescript,
      'typescript-operations': typescriptOperations,
      'typed-document-node': typedDocumentNode,
    };
    for (const [filename, output] of Object.entries(config.default.generates)) {
      const generated = await codegen({
        filename,
        schema,
        documents: [{ document }],
        config: {},
        plugins: output.plugins.map((plugin) => ({ [plugin]: {} })),
        pluginMap,
      });
      await mkdir(path.join(scratch, path.dirname(filename)), { recursive: true });
      await writeFile(path.join(scratch, filename), generated);
    }
    const possibleTypes = JSON.parse(await readFile(path.join(scratch, 'src/gql/possible-types.json'), 'utf8')) as {
      possibleTypes: Record<string, string[]>;
    };
    expect(possibleTypes.possibleTypes.Error).toEqual(expect.arrayContaining(['InsufficientCreditsError', 'InvalidParamError']));
    const operations = await readFile(path.join(scratch, 'src/gql/operations.ts'), 'utf8');
    expect(operations).toContain('export type SubmitMutation = ');
    expect(operations).toMatch(/export const SubmitDocument = .* as unknown as DocumentNode<SubmitMutation, SubmitMutationVariables>/);

    const { apiKey } = await givenAccount(10);
    const apollo = await snippet('apollo');
    const withTypes = await runSnippet(apollo, 'apollo.mjs', apiKey);
    expect(JSON.parse(withTypes)).toMatchObject({
      __typename: 'InsufficientCreditsError',
      code: 'INSUFFICIENT_CREDITS',
      message: expect.stringContaining('120') as unknown,
      retryable: false,
    });
    const withoutTypes = await runSnippet(apollo.replace('{ possibleTypes: generated.possibleTypes }', '{}'), 'apollo-bare.mjs', apiKey);
    expect(JSON.parse(withoutTypes)).toEqual({ __typename: 'InsufficientCreditsError' });
  });
});

async function writeSnippet(name: string, filename: string): Promise<string> {
  const file = path.join(scratch, filename);
  await writeFile(file, await snippet(name));
  return file;
}

async function runSnippet(code: string, filename: string, apiKey: string): Promise<string> {
  const file = path.join(scratch, filename);
  await writeFile(file, code);
  const result = await runCommand(process.execPath, [file], { KEY: apiKey }, scratch);
  expect(result.code, result.output).toBe(0);
  return result.stdout.trim();
}
