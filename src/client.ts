import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

/** A Temporal client for the configured cluster; close `connection` when done. */
export async function connectClient(config: Config, timeoutMs = 10_000): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: timeoutMs });
  return { client: new Client({ connection, namespace: config.temporal.namespace }), connection };
}
