/*
 * Global setup of the broker tests: fail at once, with how to start RabbitMQ, when it is not
 * reachable. Broker tests never skip silently.
 */
import net from 'node:net';

export const DEFAULT_TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export default async function requireBroker(): Promise<void> {
  const url = new URL(process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL);
  const port = Number(url.port || 5672);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: url.hostname, port, timeout: 3_000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
  if (!reachable) {
    throw new Error(
      `RabbitMQ is not reachable at ${url.hostname}:${port}; the broker tests need it.\n` +
        'Start it with: rabbitmq-server -detached && rabbitmqctl await_startup\n' +
        '(or point WARREN_TEST_AMQP_URL at a running broker).',
    );
  }
}
