import { describe, expect, it } from 'vitest';
import { diffCounts, parseUnifiedDiff } from '@/features/audit/components/unified-diff';

// What the server's difflib writes for a policy change.
const policyDiff = `--- a/policy.hujson
+++ b/policy.hujson
@@ -1,4 +1,5 @@
 {
-  "acls": [],
+  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],
+  "groups": {},
   "hosts": {}
 }
`;

describe('parseUnifiedDiff', () => {
  it('classifies file headers, hunk headers, context, added and removed lines, and numbers them', () => {
    expect(parseUnifiedDiff(policyDiff)).toEqual([
      { kind: 'file', text: '--- a/policy.hujson' },
      { kind: 'file', text: '+++ b/policy.hujson' },
      { kind: 'hunk', text: '@@ -1,4 +1,5 @@' },
      { kind: 'context', text: '{', oldLine: 1, newLine: 1 },
      { kind: 'removed', text: '  "acls": [],', oldLine: 2 },
      { kind: 'added', text: '  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],', newLine: 2 },
      { kind: 'added', text: '  "groups": {},', newLine: 3 },
      { kind: 'context', text: '  "hosts": {}', oldLine: 3, newLine: 4 },
      { kind: 'context', text: '}', oldLine: 4, newLine: 5 },
    ]);
  });

  it('takes removed and added lines that look like file headers for what the hunk counts say', () => {
    // Regression: a removed line "-- comment" is written "--- comment", which
    // a check on the first characters alone reads as a file header.
    const diff = '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n--- comment\n+++ more\n same\n';
    expect(parseUnifiedDiff(diff).map((l) => [l.kind, l.text])).toEqual([
      ['file', '--- a/x'],
      ['file', '+++ b/x'],
      ['hunk', '@@ -1,2 +1,2 @@'],
      ['removed', '-- comment'],
      ['added', '++ more'],
      ['context', 'same'],
    ]);
  });

  it('reads single-line hunks, several hunks, empty context lines and notes', () => {
    const diff = [
      '@@ -3 +3 @@',
      '-a',
      '+b',
      '@@ -10,2 +10,3 @@',
      '',
      '+c',
      ' d',
      '\\ No newline at end of file',
    ].join('\n');
    const lines = parseUnifiedDiff(diff);
    expect(lines.map((l) => l.kind)).toEqual(['hunk', 'removed', 'added', 'hunk', 'context', 'added', 'context', 'note']);
    expect(lines[1]).toMatchObject({ oldLine: 3 });
    expect(lines[2]).toMatchObject({ newLine: 3 });
    expect(lines[4]).toMatchObject({ text: '', oldLine: 10, newLine: 10 });
    expect(lines[5]).toMatchObject({ text: 'c', newLine: 11 });
    expect(lines[6]).toMatchObject({ text: 'd', oldLine: 11, newLine: 12 });
  });

  it('marks lines by their first character when there are no hunk headers', () => {
    expect(parseUnifiedDiff('+a\n-b\n c\n').map((l) => [l.kind, l.text])).toEqual([
      ['added', 'a'],
      ['removed', 'b'],
      ['context', 'c'],
    ]);
  });

  it('copes with Windows line ends and an empty diff', () => {
    expect(parseUnifiedDiff('@@ -1 +1 @@\r\n-a\r\n+b\r\n').map((l) => l.kind)).toEqual(['hunk', 'removed', 'added']);
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});

describe('diffCounts', () => {
  it('counts added and removed lines', () => {
    expect(diffCounts(parseUnifiedDiff(policyDiff))).toEqual({ added: 2, removed: 1 });
  });
});
