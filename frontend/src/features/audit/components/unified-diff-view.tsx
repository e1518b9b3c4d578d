import { diffCounts, parseUnifiedDiff } from '@/features/audit/components/unified-diff';

const marks = { context: ' ', added: '+', removed: '−' } as const;
const words = { added: 'Added', removed: 'Removed' } as const;

/**
 * UnifiedDiffView shows a unified diff with each added and removed line
 * marked (+, −, a colour, and a word for screen readers) and numbered.
 */
export function UnifiedDiffView({ diff, label }: { diff: string; label: string }) {
  const lines = parseUnifiedDiff(diff);
  const { added, removed } = diffCounts(lines);
  return (
    <>
      <p>
        {added} {added === 1 ? 'line' : 'lines'} added, {removed} {removed === 1 ? 'line' : 'lines'} removed.
      </p>
      <div className="diff" role="group" aria-label={label}>
        {/* Long lines wrap rather than scroll: a dialog is narrow. */}
        <pre className="diff__hunk diff__hunk--wrap">
          {lines.map((line, k) => {
            if (line.kind === 'file' || line.kind === 'hunk' || line.kind === 'note') {
              return (
                <span key={k} className={`diff__line diff__line--${line.kind}`}>
                  {line.text}
                  {'\n'}
                </span>
              );
            }
            return (
              <span key={k} className={`diff__line diff__line--${line.kind === 'context' ? 'same' : line.kind}`}>
                <span className="diff__no" aria-hidden="true">
                  {line.newLine ?? line.oldLine}
                </span>
                <span aria-hidden="true">{marks[line.kind]} </span>
                {line.kind !== 'context' && <span className="visually-hidden">{words[line.kind]}: </span>}
                {line.text}
                {'\n'}
              </span>
            );
          })}
        </pre>
      </div>
    </>
  );
}
