// Reading a unified diff (the audit trail's record of an ACL policy or DNS
// change) line by line, to show it with additions and removals marked.

export type UnifiedLineKind = 'file' | 'hunk' | 'context' | 'added' | 'removed' | 'note';

export type UnifiedLine = {
  kind: UnifiedLineKind;
  /** The line without its +, − or space marker (for file, hunk and note lines: all of it). */
  text: string;
  /** 1-based line in the old text (context and removed lines). */
  oldLine?: number;
  /** 1-based line in the new text (context and added lines). */
  newLine?: number;
};

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * parseUnifiedDiff classifies each line of a unified diff. Inside a hunk the
 * line counts of its @@ header decide, so a removed line that itself starts
 * with "--" is not taken for a file header; outside hunks, "---" and "+++"
 * (and git's "diff", "index") are file headers.
 */
export function parseUnifiedDiff(diff: string): UnifiedLine[] {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: UnifiedLine[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;
  for (const line of lines) {
    if (oldLeft > 0 || newLeft > 0) {
      const mark = line.charAt(0);
      if ((mark === ' ' || line === '') && oldLeft > 0 && newLeft > 0) {
        out.push({ kind: 'context', text: line.slice(1), oldLine: oldNo++, newLine: newNo++ });
        oldLeft--;
        newLeft--;
        continue;
      }
      if (mark === '-' && oldLeft > 0) {
        out.push({ kind: 'removed', text: line.slice(1), oldLine: oldNo++ });
        oldLeft--;
        continue;
      }
      if (mark === '+' && newLeft > 0) {
        out.push({ kind: 'added', text: line.slice(1), newLine: newNo++ });
        newLeft--;
        continue;
      }
      if (mark === '\\') {
        out.push({ kind: 'note', text: line });
        continue;
      }
      // The counts were wrong: read on as if the hunk had ended.
      oldLeft = 0;
      newLeft = 0;
    }
    const hunk = hunkHeader.exec(line);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[3]);
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      out.push({ kind: 'hunk', text: line });
    } else if (line.startsWith('\\')) {
      out.push({ kind: 'note', text: line });
    } else if (/^(---|\+\+\+|diff |index )/.test(line)) {
      out.push({ kind: 'file', text: line });
    } else if (line.startsWith('+')) {
      out.push({ kind: 'added', text: line.slice(1) });
    } else if (line.startsWith('-')) {
      out.push({ kind: 'removed', text: line.slice(1) });
    } else {
      out.push({ kind: 'context', text: line.startsWith(' ') ? line.slice(1) : line });
    }
  }
  return out;
}

/** diffCounts counts the added and removed lines. */
export function diffCounts(lines: readonly UnifiedLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'added') added++;
    else if (l.kind === 'removed') removed++;
  }
  return { added, removed };
}
