import { hunks, lineDiff } from '@/features/policy/components/line-diff';

const marks = { same: ' ', added: '+', removed: '−' } as const;
const words = { same: 'Unchanged', added: 'Added', removed: 'Removed' } as const;

/**
 * DiffView shows what changes from before to after, line by line: each line
 * marked + or − (and named for screen readers), unchanged stretches folded.
 */
export function DiffView({ before, after }: { before: string; after: string }) {
  const diff = lineDiff(before, after);
  const added = diff.filter((l) => l.kind === 'added').length;
  const removed = diff.filter((l) => l.kind === 'removed').length;
  return (
    <>
      <p>
        {added} {added === 1 ? 'line' : 'lines'} added, {removed} {removed === 1 ? 'line' : 'lines'} removed.
      </p>
      <div className="diff" role="group" aria-label="Changes">
        {hunks(diff).map((hunk, index) =>
          hunk.kind === 'gap' ? (
            <p key={index} className="diff__gap">
              {hunk.count} unchanged {hunk.count === 1 ? 'line' : 'lines'}
            </p>
          ) : (
            <pre key={index} className="diff__hunk">
              {hunk.lines.map((line, k) => (
                <span key={k} className={`diff__line diff__line--${line.kind}`}>
                  <span className="diff__no" aria-hidden="true">
                    {line.newLine ?? line.oldLine}
                  </span>
                  <span aria-hidden="true">{marks[line.kind]} </span>
                  {line.kind !== 'same' && <span className="visually-hidden">{words[line.kind]}: </span>}
                  {line.text}
                  {'\n'}
                </span>
              ))}
            </pre>
          ),
        )}
      </div>
    </>
  );
}
