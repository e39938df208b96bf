import { describe, expect, it } from 'vitest';
import { AckWindow } from '../../../src/consumer/ack-window.js';

type Step = `ack ${number}` | `requeue ${number}` | 'plan';

/** Delivers tags 1..delivered, runs the steps, returns each plan as frames: `ack N multiple` first, then `ack N` by tag. */
function framesOf(delivered: number, steps: readonly Step[]): string[][] {
  const window = new AckWindow();
  for (let tag = 1; tag <= delivered; tag++) window.delivered(tag);
  const plans: string[][] = [];
  for (const step of steps) {
    const [verb, arg] = step.split(' ');
    if (verb === 'ack') window.ack(Number(arg));
    else if (verb === 'requeue') window.requeue(Number(arg));
    else {
      const plan = window.takePlan();
      plans.push([...(plan.upToTag > 0 ? [`ack ${plan.upToTag} multiple`] : []), ...[...plan.singleTags].sort((a, b) => a - b).map((tag) => `ack ${tag}`)]);
    }
  }
  return plans;
}

describe('AckWindow.takePlan', () => {
  const cases: Array<{ name: string; delivered: number; steps: Step[]; plans: string[][] }> = [
    { name: 'in order: one multiple ack', delivered: 3, steps: ['ack 1', 'ack 2', 'ack 3', 'plan'], plans: [['ack 3 multiple']] },
    { name: 'reverse order: one multiple ack', delivered: 3, steps: ['ack 3', 'ack 2', 'ack 1', 'plan'], plans: [['ack 3 multiple']] },
    { name: 'one delivery', delivered: 1, steps: ['ack 1', 'plan'], plans: [['ack 1 multiple']] },
    { name: 'nothing acked: nothing sent', delivered: 2, steps: ['plan'], plans: [[]] },
    { name: 'straggler 1: the later ones go singly', delivered: 4, steps: ['ack 2', 'ack 4', 'ack 3', 'plan'], plans: [['ack 2', 'ack 3', 'ack 4']] },
    { name: 'gap in the middle: prefix multiple, rest singly', delivered: 5, steps: ['ack 1', 'ack 2', 'ack 4', 'ack 5', 'plan'], plans: [['ack 2 multiple', 'ack 4', 'ack 5']] },
    { name: 'straggler settles later: only its own tag (the others were sent)', delivered: 3, steps: ['ack 2', 'ack 3', 'plan', 'ack 1', 'plan'], plans: [['ack 2', 'ack 3'], ['ack 1 multiple']] },
    { name: 'prefix across an earlier single ack', delivered: 4, steps: ['ack 3', 'plan', 'ack 1', 'ack 2', 'plan'], plans: [['ack 3'], ['ack 2 multiple']] },
    { name: 'requeued tag is passed by the prefix (its nack went first)', delivered: 3, steps: ['requeue 2', 'ack 1', 'ack 3', 'plan'], plans: [['ack 3 multiple']] },
    { name: 'requeued top of prefix: the multiple ack names the highest acked tag', delivered: 3, steps: ['ack 1', 'ack 2', 'requeue 3', 'plan'], plans: [['ack 2 multiple']] },
    { name: 'only requeues: nothing to ack', delivered: 2, steps: ['requeue 1', 'requeue 2', 'plan'], plans: [[]] },
    { name: 'double ack counts once', delivered: 2, steps: ['ack 1', 'ack 1', 'plan', 'ack 1', 'plan'], plans: [['ack 1 multiple'], []] },
    { name: 'ack after requeue of the same tag: ignored', delivered: 2, steps: ['requeue 1', 'ack 1', 'plan'], plans: [[]] },
    { name: 'never-delivered tag: ignored', delivered: 2, steps: ['ack 7', 'ack 1', 'plan'], plans: [['ack 1 multiple']] },
    { name: 'later deliveries do not widen an earlier plan', delivered: 2, steps: ['ack 2', 'plan', 'ack 1', 'plan'], plans: [['ack 2'], ['ack 1 multiple']] },
  ];
  it.each(cases)('$name', ({ delivered, steps, plans }) => {
    expect(framesOf(delivered, steps)).toEqual(plans);
  });

  it('a tag delivered out of order (never seen from RabbitMQ) disables multiple acks for that channel', () => {
    const window = new AckWindow();
    window.delivered(2);
    window.delivered(1);
    window.ack(2);
    expect(window.takePlan()).toEqual({ upToTag: 0, singleTags: [2] });
  });

  it('keeps only outstanding tags: a hung delivery does not grow memory with the acks after it', () => {
    const window = new AckWindow();
    window.delivered(1);
    for (let tag = 2; tag <= 10_000; tag++) {
      window.delivered(tag);
      window.ack(tag);
      window.takePlan();
    }
    expect([window.outstandingCount, window.pendingCount]).toEqual([1, 0]);
  });
});
