import { describe, expect, it } from 'vitest';
import { ReadyLine } from '../../../../src/drivers/memory/ready-line.js';

interface Entry {
  readonly label: string;
  readonly priority: number;
}

type Step = readonly ['back' | 'front', string, number] | readonly ['take'];

function run(steps: readonly Step[]): { taken: string[]; rest: string[] } {
  const line = new ReadyLine<Entry>();
  const taken: string[] = [];
  for (const step of steps) {
    if (step[0] === 'take') taken.push(line.takeFirst()?.label ?? '(none)');
    else if (step[0] === 'back') line.pushBack({ label: step[1], priority: step[2] });
    else line.pushFront({ label: step[1], priority: step[2] });
  }
  const rest: string[] = [];
  while (line.length > 0) rest.push(line.takeFirst()!.label);
  return { taken, rest };
}

describe('ReadyLine', () => {
  it.each<[string, readonly Step[], string[], string[]]>([
    ['FIFO within one priority', [['back', 'a', 0], ['back', 'b', 0], ['take'], ['back', 'c', 0]], ['a'], ['b', 'c']],
    ['higher priority first', [['back', 'low', 1], ['back', 'none', 0], ['back', 'high', 9], ['back', 'low2', 1]], [], ['high', 'low', 'low2', 'none']],
    ['a requeue goes to the head of its band', [['back', 'h', 5], ['back', 'a', 0], ['back', 'b', 0], ['front', 'r', 0]], [], ['h', 'r', 'a', 'b']],
    ['a requeue after a take reuses the head slot', [['back', 'a', 0], ['back', 'b', 0], ['take'], ['front', 'a', 0]], ['a'], ['a', 'b']],
    ['a requeue outranking everything goes first', [['back', 'a', 0], ['take'], ['back', 'b', 0], ['front', 'r', 3]], ['a'], ['r', 'b']],
    ['taking from an empty line gives nothing', [['take'], ['back', 'a', 0]], ['(none)'], ['a']],
    ['a push into a drained line', [['back', 'a', 0], ['take'], ['back', 'b', 2], ['back', 'c', 4]], ['a'], ['c', 'b']],
  ])('%s', (_title, steps, taken, rest) => {
    expect(run(steps)).toEqual({ taken, rest });
  });

  it('keeps order and length across the compaction of a long burst', () => {
    const line = new ReadyLine<Entry>();
    for (let i = 0; i < 5_000; i += 1) line.pushBack({ label: String(i), priority: 0 });
    const taken: string[] = [];
    for (let i = 0; i < 3_000; i += 1) taken.push(line.takeFirst()!.label);
    line.pushFront({ label: 'r', priority: 0 });
    line.pushBack({ label: 'hi', priority: 1 });
    expect(line.length).toBe(2_002);
    expect(taken.slice(-1)).toEqual(['2999']);
    expect(line.takeFirst()!.label).toBe('hi');
    expect(line.takeFirst()!.label).toBe('r');
    expect(line.takeFirst()!.label).toBe('3000');
  });
});
