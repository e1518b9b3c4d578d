// A line diff for reviewing a policy before it is saved: the longest common
// subsequence of lines, after trimming what both ends share.

export type DiffLine = {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line in the old text (same and removed lines). */
  oldLine?: number;
  /** 1-based line in the new text (same and added lines). */
  newLine?: number;
};

/** lineDiff returns the lines of before and after, each marked same, added or removed. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  // lcs[i][j]: the longest common subsequence of midA[i:] and midB[j:].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const next = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = midA[i] === midB[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  for (let k = 0; k < start; k++) out.push({ kind: 'same', text: a[k] as string, oldLine: k + 1, newLine: k + 1 });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      out.push({ kind: 'same', text: midA[i] as string, oldLine: start + i + 1, newLine: start + j + 1 });
      i++;
      j++;
    } else if (j < m && (i === n || (lcs[i + 1]?.[j] ?? 0) < (lcs[i]?.[j + 1] ?? 0))) {
      out.push({ kind: 'added', text: midB[j] as string, newLine: start + j + 1 });
      j++;
    } else {
      out.push({ kind: 'removed', text: midA[i] as string, oldLine: start + i + 1 });
      i++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    out.push({ kind: 'same', text: a[endA + k] as string, oldLine: endA + k + 1, newLine: endB + k + 1 });
  }
  return out;
}

/** A run of diff lines to show, or a gap of unchanged lines left out. */
export type Hunk = { kind: 'lines'; lines: DiffLine[] } | { kind: 'gap'; count: number };

/** hunks keeps the changed lines with context unchanged lines around each, folding the rest into gaps. */
export function hunks(diff: DiffLine[], context = 3): Hunk[] {
  const keep = diff.map(() => false);
  diff.forEach((line, index) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, index - context); k <= Math.min(diff.length - 1, index + context); k++) keep[k] = true;
  });
  const out: Hunk[] = [];
  let gap = 0;
  let run: DiffLine[] = [];
  diff.forEach((line, index) => {
    if (keep[index]) {
      if (gap > 0) out.push({ kind: 'gap', count: gap });
      gap = 0;
      run.push(line);
    } else {
      if (run.length > 0) out.push({ kind: 'lines', lines: run });
      run = [];
      gap++;
    }
  });
  if (run.length > 0) out.push({ kind: 'lines', lines: run });
  if (gap > 0) out.push({ kind: 'gap', count: gap });
  return out;
}
