import type { ReactNode } from 'react';

/**
 * MarkdownText shows a contract description as plain text: blank lines part
 * paragraphs, "- " lines make a list, `backticks` make code spans. Nothing in
 * the text is ever read as HTML.
 */
export function MarkdownText({ text, className }: { text: string; className?: string }) {
  const blocks = text
    .trim()
    .split(/\n\s*\n/)
    .map((b) => b.split('\n').map((l) => l.trim()))
    .filter((lines) => lines.some((l) => l !== ''));
  return (
    <div className={className}>
      {blocks.map((lines, i) => {
        const items = listItems(lines);
        if (items) {
          return (
            <ul key={i}>
              {items.map((item, j) => (
                <li key={j}>{inline(item)}</li>
              ))}
            </ul>
          );
        }
        return <p key={i}>{inline(lines.join(' '))}</p>;
      })}
    </div>
  );
}

/** listItems returns a block's items when every item starts with "- " or "* " (continuation lines join the item). */
function listItems(lines: string[]): string[] | undefined {
  if (!/^[-*] /.test(lines[0] ?? '')) return undefined;
  const items: string[] = [];
  for (const line of lines) {
    if (/^[-*] /.test(line)) items.push(line.slice(2));
    else if (items.length > 0) items.push(`${items.pop() ?? ''} ${line}`);
  }
  return items;
}

/** inline turns `code` into code spans and drops bold and link markup, keeping the words. */
function inline(text: string): ReactNode[] {
  return text.split(/(`[^`]+`)/).map((part, i) => {
    if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) {
      return <code key={i}>{part.slice(1, -1)}</code>;
    }
    return part
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/\*\*(.+?)\*\*/g, '$1');
  });
}
