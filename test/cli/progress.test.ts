import { describe, expect, it } from 'vitest';
import { progressShown, startProgress } from '../../cli/progress.js';

function capture(isTTY: boolean) {
  const lines: string[] = [];
  return { stream: { isTTY, write: (t: string) => lines.push(t) }, lines };
}

describe('startProgress', () => {
  it('prints each step with the time since the start on a terminal', () => {
    const { stream, lines } = capture(true);
    let t = 0;
    const p = startProgress('report', { stream, env: {}, now: () => t });
    p.step('loading store');
    t = 1234;
    p.step('rendering figures', 'amstel');
    t = 3456;
    p.done();
    p.step('after done');
    expect(lines).toEqual(['report    0.0 s  loading store\n', 'report    1.2 s  rendering figures (amstel)\n', 'report    3.5 s  done\n']);
  });
  it('is silent when not a terminal or when CI is set', () => {
    for (const [isTTY, env] of [[false, {}], [true, { CI: 'true' }], [true, { CI: '1' }]] as const) {
      const { stream, lines } = capture(isTTY);
      const p = startProgress('holds', { stream, env });
      p.step('x');
      p.done('y');
      expect(lines).toEqual([]);
    }
    expect(progressShown({ isTTY: true }, { CI: 'false' })).toBe(true);
    expect(progressShown({ isTTY: true }, { CI: '' })).toBe(true);
  });
});
