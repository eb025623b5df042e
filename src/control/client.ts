/** Connects to the configured Temporal cluster: the one place a client connection is made. */
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** A Temporal client for the configured cluster; close `connection` when done. */
export async function connectClient(config: Config, timeoutMs = 10_000): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: timeoutMs });
  return { client: new Client({ connection, namespace: config.temporal.namespace }), connection };
}

/** Runs fn with a client of the configured cluster, closing the connection afterwards. */
export async function withClient<T>(config: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  const { client, connection } = await connectClient(config);
  try {
    return await fn(client);
  } finally {
    await connection.close();
  }
}
