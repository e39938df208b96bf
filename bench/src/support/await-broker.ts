/*
 * awaitBrokerPort: waits until the broker's AMQP port accepts a TCP connection again (plain connect, no AMQP
 * bytes). The bench shares its broker with other users whose tests may stop it; a measurement that failed while
 * it was away is run again once it is back (run-rounds.ts), instead of leaving a hole in that round.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (isOpen: boolean): void => {
      socket.destroy();
      resolve(isOpen);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True once the port accepted and stayed open for `settleMs` (a starting broker opens it before it serves); false at the deadline. */
export async function awaitBrokerPort(amqpUrl: string, timeoutMs = 90_000, settleMs = 3_000): Promise<boolean> {
  const url = new URL(amqpUrl);
  const host = url.hostname;
  const port = Number(url.port || 5672);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) {
      await sleep(settleMs);
      if (await canConnect(host, port)) return true;
    }
    await sleep(500);
  }
  return false;
}
