import { describe, expect, it } from 'vitest';
import { hunks, lineDiff } from '@/features/policy/components/line-diff';

const marks = (before: string, after: string) =>
  lineDiff(before, after).map((l) => `${l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' '}${l.text}`);

describe('lineDiff', () => {
  it('marks added, removed and unchanged lines', () => {
    expect(marks('a\nb\nc', 'a\nB\nc\nd')).toEqual([' a', '-b', '+B', ' c', '+d']);
    expect(marks('a\nb', 'a\nb')).toEqual([' a', ' b']);
    expect(marks('', 'x')).toEqual(['-', '+x']);
  });
  it('numbers lines in both texts', () => {
    const diff = lineDiff('x\ny\nz', 'x\nnew\ny\nz');
    expect(diff[1]).toEqual({ kind: 'added', text: 'new', newLine: 2 });
    expect(diff[3]).toEqual({ kind: 'same', text: 'z', oldLine: 3, newLine: 4 });
  });
  it('keeps moved lines as few changes as possible', () => {
    expect(marks('1\n2\n3\n4', '2\n3\n4\n1')).toEqual(['-1', ' 2', ' 3', ' 4', '+1']);
  });
});

describe('hunks', () => {
  it('folds unchanged lines far from a change', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const h = hunks(lineDiff(before, after), 2);
    expect(h.map((x) => (x.kind === 'gap' ? `gap ${x.count}` : `${x.lines.length} lines`))).toEqual([
      'gap 7',
      '6 lines',
      'gap 8',
    ]);
  });
});
