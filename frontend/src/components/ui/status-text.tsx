type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

const marks: Record<Tone, string> = { ok: '●', warn: '◆', bad: '▲', neutral: '○' };

/**
 * StatusText shows a state as words, with a shape and colour as extra cues,
 * never colour alone.
 */
export function StatusText({ tone, children }: { tone: Tone; children: string }) {
  return (
    <span className={`status status--${tone}`}>
      <span className="status__mark" aria-hidden="true">
        {marks[tone]}
      </span>
      <span>{children}</span>
    </span>
  );
}
