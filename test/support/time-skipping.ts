/**
 * Workflow tests on Temporal's time-skipping test server, with stubbed
 * activities: the Java test server that temporal-dev/install-test-server put in
 * the trunkflow cache (nothing is downloaded at test time), and one workflow
 * bundle shared by a test file's workers.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { WORKFLOWS_PATH } from '../../src/worker';

/** The wrapper temporal-dev/install-test-server writes; `npm test` runs the installer first. */
export function testServerPath(): string {
  const cacheBin = process.env.TRUNKFLOW_CACHE_BIN ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'trunkflow', 'bin');
  const wrapper = path.join(cacheBin, 'temporal-test-server');
  if (!fs.existsSync(wrapper)) {
    throw new Error(`${wrapper} is missing: run temporal-dev/install-test-server (npm test does)`);
  }
  return wrapper;
}

let runtimeInstalled = false;

/**
 * A time-skipping environment on a Java test server this process starts itself.
 * The SDK's own launcher gives the JVM 5 s to answer, which a loaded machine
 * does not always meet; here the server gets as long as it needs (up to
 * `startupMs`), and teardown stops it.
 */
export async function createTimeSkippingEnv(startupMs = 120_000): Promise<TestWorkflowEnvironment> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // Another test of this process installed it.
    }
  }
  const port = await freePort();
  const server = spawn(testServerPath(), [String(port)], { stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) => server.once('exit', (code) => reject(new Error(`the test server exited (${code}) before it answered`))));
  exited.catch(() => undefined);
  try {
    await Promise.race([untilListening(port, startupMs), exited]);
    // The SDK connects to a server it did not start, with its test service (time skipping) on.
    const create = (TestWorkflowEnvironment as unknown as { create(o: object): Promise<TestWorkflowEnvironment> }).create.bind(TestWorkflowEnvironment);
    const env = await create({ server: { type: 'existing' }, supportsTimeSkipping: true, address: `127.0.0.1:${port}`, namespace: 'default' });
    // The workflows set trunkflow's search attributes; the test server refuses unknown ones.
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
    const teardown = env.teardown.bind(env);
    env.teardown = async () => {
      try {
        await teardown();
      } finally {
        server.kill('SIGKILL');
      }
    };
    return env;
  } catch (err) {
    server.kill('SIGKILL');
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function untilListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`the time-skipping test server did not listen on ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The real workflows, bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } });
  return bundle;
}

export { Worker };
